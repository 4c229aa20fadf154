from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .forms import LockoutAuthenticationForm
from .models import ApiToken


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
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_key": new_key,
        "memberships": request.user.memberships.select_related("program", "project"),
    })


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404("no such token")
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token {token} revoked.")
    return redirect("accounts:tokens")
