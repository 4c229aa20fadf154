"""``pmo change list|show|submit|assess|decide|implement [CR-n] --as USER``: the same services as the pages and the
API (policies, routing by tolerance and audit apply as everywhere)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from pmo.accounts.models import User
from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id

from ... import selectors, services
from ...models import DECISIONS
from ...policies import change_request_policy

ACTIONS = ("list", "show", "submit", "assess", "decide", "implement")


class Command(BaseCommand):
    help = "List, assess, decide or implement change requests as a given user."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("ref", nargs="?", help="the change request, e.g. CR-12 (not for list)")
        parser.add_argument("--as", dest="username", required=True, help="act as this user")
        parser.add_argument("--decision", choices=[str(d) for d in DECISIONS], help="for decide")
        parser.add_argument("--note", default="", help="the decision's note")

    def handle(self, *args, action, ref, username, decision, note, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user {username!r}")
        if action == "list":
            for cr in selectors.change_requests_for(user).order_by("pk"):
                self.stdout.write(f"{cr.ref}\t{cr.program.code}\t{cr.status}\t{cr.route or '-'}\t{cr.title}")
            return
        pk = parse_id((ref or "").upper().removeprefix("CR-"))
        try:
            cr = change_request_policy.get(user, pk=pk)
        except Http404 as exc:
            raise CommandError(f"no change request {ref!r} visible to {username}") from exc
        try:
            if action == "show":
                self._show(cr)
                return
            if action == "submit":
                cr = services.change_request_submit(actor=user, change_request=cr)
            elif action == "assess":
                services.change_request_assess(actor=user, change_request=cr)
            elif action == "decide":
                if not decision:
                    raise CommandError("decide needs --decision approved|rejected|deferred")
                services.change_request_decide(actor=user, change_request=cr, decision=decision, note=note)
            elif action == "implement":
                services.change_request_implement(actor=user, change_request=cr)
        except PermissionDenied as exc:
            raise CommandError(f"forbidden: {exc}") from exc
        except services.StaleAssessment as exc:
            raise CommandError(f"conflict: {exc}") from exc
        except (ValidationError, StaleVersion) as exc:
            raise CommandError(str(exc)) from exc
        cr = change_request_policy.get(user, pk=cr.pk)
        self.stdout.write(self.style.SUCCESS(f"{cr.ref} {cr.status}" + (f" (decided by the {cr.get_route_display()})"
                                                                         if cr.route else "")))

    def _show(self, cr) -> None:
        for field in ("ref", "title", "program", "status", "route", "urgency", "version"):
            self.stdout.write(f"{field}: {getattr(cr, field)}")
        assessment = services.latest_assessment(cr)
        if assessment is not None:
            r = assessment.results
            program = r.get("program", {})
            self.stdout.write(f"program finish: {program.get('before')} -> {program.get('after')} "
                              f"({program.get('working_days')} working days)")
            self.stdout.write(f"worst slip: {assessment.schedule_delta_days} working days; cost change: "
                              f"{assessment.cost_delta} ({assessment.cost_delta_pct} %); "
                              f"stale: {services.is_stale(cr, assessment)}")
