from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service

from . import selectors, services
from .forms import GrantForm, LockoutAuthenticationForm, PersonForm
from .models import Membership, User
from .scopes import scopes_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


@login_required
def tokens(request):
    new_key = None
    if request.method == "POST":
        _token, new_key = services.api_token_create(actor=request.user, name=request.POST.get("name", "")[:100])
    return render(request, "accounts/tokens.html", {
        "tokens": selectors.tokens_of(request.user),
        "new_key": new_key,
        "memberships": request.user.memberships.select_related("program", "project"),
        "breadcrumbs": breadcrumbs(request.user, "Roles & API tokens"),
    })


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.own_token(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token {token} revoked.")
    return redirect("accounts:tokens")


def _scope_querysets() -> dict:
    """Programs and projects to grant roles over, reached through Membership's own foreign keys."""
    return {name: Membership._meta.get_field(name).related_model.objects.order_by("code")
            for name in ("program", "project")}


@login_required
@require_http_methods(["GET", "POST"])
def people(request):
    """The PMO Director's page: everyone who can log in, their roles, new people and new roles."""
    if not scopes_of(request.user).is_director:
        raise PermissionDenied("only the PMO Director manages people and roles")
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    scopes = _scope_querysets()
    person_form = PersonForm(request.POST if request.POST.get("form") == "person" else None, prefix="person")
    grant_form = GrantForm(request.POST if request.POST.get("form") == "grant" else None, prefix="grant",
                           users=users, programs=scopes["program"], projects=scopes["project"])
    if request.method == "POST":
        form = person_form if request.POST.get("form") == "person" else grant_form
        if form.is_valid():
            if form is person_form:
                done = apply_service(form, lambda: services.user_create(actor=request.user, **form.cleaned_data))
            else:
                done = apply_service(form, lambda: services.membership_grant(actor=request.user, **form.cleaned_data))
            if done:
                messages.success(request, f"Saved: {done}.")
                return redirect("accounts:people")
    return render(request, "accounts/people.html", {
        "people": users.prefetch_related("memberships__program", "memberships__project"),
        "person_form": person_form,
        "grant_form": grant_form,
        "breadcrumbs": breadcrumbs(request.user, "People & roles"),
    }, status=422 if person_form.errors or grant_form.errors else 200)


@login_required
@require_POST
def membership_revoke(request, pk):
    if not scopes_of(request.user).is_director:
        raise PermissionDenied("only the PMO Director removes roles")
    membership = Membership.objects.select_related("user").filter(pk=pk).first()
    if membership is None:
        raise Http404("no such role")
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, f"Removed: {membership}.")
    return redirect("accounts:people")
