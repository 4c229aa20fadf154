import os

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError

from pmo.core import audit


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify [--anchors FILE]' checks the keyed (HMAC-SHA256) hash chain and, with "
        "--anchors, that every anchored event still has its anchored hash. 'anchor --file FILE | --email ADDR' "
        "publishes the newest event's hash outside the database (run it daily). 'rekey --old-key-env VAR' "
        "re-hashes the chain after PMO_AUDIT_KEY changed (the old key is read from the variable VAR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor", "rekey"])
        parser.add_argument("--anchors", metavar="FILE", help="verify: an anchor file written by 'anchor --file'")
        parser.add_argument("--file", metavar="FILE", help="anchor: append the anchor line to this file")
        parser.add_argument("--email", metavar="ADDR", action="append", default=[],
                            help="anchor: e-mail the anchor line to this address (repeatable)")
        parser.add_argument("--old-key-env", metavar="VAR",
                            help="rekey: the environment variable holding the key the chain was written with")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _check_chain(self) -> None:
        broken = audit.verify()
        if broken is not None:
            raise CommandError(f"audit trail broken at {_where(broken)}: {broken.reason}")

    def _check_anchors(self, path: str) -> int:
        try:
            anchors = audit.read_anchors(path)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        broken = audit.verify_anchors(anchors)
        if broken is not None:
            raise CommandError(f"audit trail does not match its anchors at {_where(broken)}: {broken.reason}")
        return len(anchors)

    def _verify(self, *, anchors, **options):
        self._check_chain()
        if anchors:
            count = self._check_anchors(anchors)
            self.stdout.write(self.style.SUCCESS(f"audit trail intact and matches its {count} anchors"))
        else:
            self.stdout.write(self.style.SUCCESS("audit trail intact"))

    def _anchor(self, *, file, email, **options):
        if not file and not email:
            raise CommandError("say where to publish the anchor: --file FILE and/or --email ADDR")
        self._check_chain()  # never anchor a head that does not verify
        if file and os.path.exists(file):
            self._check_anchors(file)  # an earlier line that no longer matches stops the anchoring
        line = audit.anchor_line()
        if line is None:
            self.stdout.write("the audit trail is empty: nothing to anchor")
            return
        if file:
            audit.append_anchor(file, line)
        if email:
            send_mail(f"pmo audit anchor: {line.split()[1]}", line, settings.DEFAULT_FROM_EMAIL, email)
        self.stdout.write(self.style.SUCCESS(f"anchored {line.strip()}"))

    def _rekey(self, *, old_key_env, **options):
        if not old_key_env or not os.environ.get(old_key_env):
            raise CommandError("--old-key-env VAR must name an environment variable holding the old key")
        try:
            count = audit.rekey(old_key=os.environ[old_key_env])
        except audit.ChainBroken as exc:
            raise CommandError(f"audit trail broken at {_where(exc.broken)}: {exc.broken.reason}") from exc
        self.stdout.write(self.style.SUCCESS(f"re-hashed {count} events with PMO_AUDIT_KEY; anchors made under "
                                             "the old key no longer match: start a new anchor file"))


def _where(broken: audit.ChainBreak) -> str:
    return f"event #{broken.event_id}" if broken.event_id is not None else "the end of the trail"
