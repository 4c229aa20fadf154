"""The role matrix: every page and endpoint x every role and anonymous x (own scope, other scope).

Each cell is "own/other" (one value when scope does not apply). Pages send anonymous users to the
login page (302); the API answers 401. Out of scope is 404, in scope but not permitted is 403. A
meta-test fails when a route is missing from the table.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pmo.accounts.models import ApiToken
from pmo.accounts.services import api_token_create

from .benefits import matrix as benefits_matrix
from .change import matrix as change_matrix
from .closure import matrix as closure_matrix
from .communications import matrix as communications_matrix
from .conftest import ROLES, client_for
from .documents import matrix as documents_matrix
from .finance import matrix as finance_matrix
from .governance import matrix as governance_matrix
from .notifications import matrix as notifications_matrix
from .planning import matrix as planning_matrix
from .procurement import matrix as procurement_matrix
from .quality import matrix as quality_matrix
from .raid import matrix as raid_matrix
from .resources import matrix as resources_matrix
from .stakeholders import matrix as stakeholders_matrix

MATRIX = """
name                        method url                                  director analyst coordinator program_manager steering project_manager anonymous
login                       GET    /login/                              302      302     302         302             302      302             200
logout                      POST   /logout/                             302      302     302         302             302      302             302
accounts:tokens             GET    /account/tokens/                     200      200     200         200             200      200             302
accounts:token_revoke       POST   /account/tokens/{token}/revoke/      302/404  302/404 302/404     302/404         302/404  302/404         302
accounts:people             GET    /account/people/                     200      403     403         403             403      403             302
accounts:people             POST   /account/people/                     302      403     403         403             403      403             302
accounts:membership_revoke  POST   /account/people/roles/{membership}/revoke/ 302 403    403         403             403      403             302
portfolio:overview          GET    /                                    200      200     200         200             200      200             302
portfolio:program_list      GET    /programs/                           200      200     200         200             200      200             302
portfolio:program_create    GET    /programs/new/                       200      403     403         403             403      403             302
portfolio:program_create    POST   /programs/new/                       302      403     403         403             403      403             302
portfolio:program_detail    GET    /programs/{program}/                 200/200  200/200 200/404     200/404         200/404  200/404         302
portfolio:program_edit      GET    /programs/{program}/edit/            200/200  403/403 403/404     200/404         403/404  403/404         302
portfolio:program_edit      POST   /programs/{program}/edit/            302/302  403/403 403/404     302/404         403/404  403/404         302
portfolio:program_delete    GET    /programs/{program}/delete/          200/200  403/403 403/404     403/404         403/404  403/404         302
portfolio:program_delete    POST   /programs/{program}/delete/          409/409  403/403 403/404     403/404         403/404  403/404         302
portfolio:project_create    GET    /programs/{program}/projects/new/    200/200  403/403 403/404     200/404         403/404  403/404         302
portfolio:project_create    POST   /programs/{program}/projects/new/    302/302  403/403 403/404     302/404         403/404  403/404         302
portfolio:project_list      GET    /projects/                           200      200     200         200             200      200             302
portfolio:project_detail    GET    /projects/{project}/                 200/200  200/200 200/404     200/404         200/404  200/404         302
portfolio:project_edit      GET    /projects/{project}/edit/            200/200  403/403 403/404     200/404         403/404  200/404         302
portfolio:project_edit      POST   /projects/{project}/edit/            302/302  403/403 403/404     302/404         403/404  302/404         302
portfolio:project_delete    GET    /projects/{project}/delete/          200/200  403/403 403/404     200/404         403/404  403/404         302
portfolio:project_delete    POST   /projects/{project}/delete/          302/302  403/403 403/404     302/404         403/404  403/404         302
api:api-root                GET    /api/v1/                             404      404     404         404             404      404             404
api:openapi-json            GET    /api/v1/openapi.json                 200      200     200         200             200      200             200
api:openapi-view            GET    /api/v1/docs                         200      200     200         200             200      200             200
api:create_token            POST   /api/v1/auth/token                   200      200     200         200             200      200             401
api:list_tokens             GET    /api/v1/auth/tokens                  200      200     200         200             200      200             401
api:revoke_token            DELETE /api/v1/auth/tokens/{token}          204/404  204/404 204/404     204/404         204/404  204/404         401
api:me                      GET    /api/v1/me                           200      200     200         200             200      200             401
api:list_programs           GET    /api/v1/programs                     200      200     200         200             200      200             401
api:create_program          POST   /api/v1/programs                     201      403     403         403             403      403             401
api:get_program             GET    /api/v1/programs/{program}           200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_program          PATCH  /api/v1/programs/{program}           200/200  403/403 403/404     200/404         403/404  403/404         401
api:delete_program          DELETE /api/v1/programs/{program}           422/422  403/403 403/404     403/404         403/404  403/404         401
api:list_projects           GET    /api/v1/projects                     200      200     200         200             200      200             401
api:create_project          POST   /api/v1/projects                     201/201  403/403 403/422     201/422         403/422  403/422         401
api:get_project             GET    /api/v1/projects/{project}           200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_project          PATCH  /api/v1/projects/{project}           200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_project          DELETE /api/v1/projects/{project}           204/204  403/403 403/404     204/404         403/404  403/404         401
planning:project_gantt      GET    /projects/{project}/plan/            200/200  200/200 200/404     200/404         200/404  200/404         302
planning:task_list          GET    /projects/{project}/plan/tasks/      200/200  200/200 200/404     200/404         200/404  200/404         302
planning:task_create        GET    /projects/{project}/plan/tasks/new/  200/200  403/403 403/404     200/404         403/404  200/404         302
planning:task_create        POST   /projects/{project}/plan/tasks/new/  302/302  403/403 403/404     302/404         403/404  302/404         302
planning:dependency_create  GET    /projects/{project}/plan/links/new/  200/200  403/403 403/404     200/404         403/404  200/404         302
planning:dependency_create  POST   /projects/{project}/plan/links/new/  302/302  403/403 403/404     302/404         403/404  302/404         302
planning:project_schedule   POST   /projects/{project}/plan/schedule/   302/302  403/403 403/404     302/404         403/404  302/404         302
planning:baseline_create    POST   /projects/{project}/plan/baseline/   302/302  403/403 403/404     302/404         302/404  403/404         302
planning:project_checks     GET    /projects/{project}/plan/checks/     200/200  200/200 200/404     200/404         200/404  200/404         302
planning:mspdi_import       GET    /projects/{project}/plan/import/     200/200  403/403 403/404     200/404         403/404  200/404         302
planning:mspdi_import       POST   /projects/{project}/plan/import/     422/422  403/403 403/404     422/404         403/404  422/404         302
planning:task_detail        GET    /plan/tasks/{task}/                  200/200  200/200 200/404     200/404         200/404  200/404         302
planning:task_edit          GET    /plan/tasks/{task}/edit/             200/200  403/403 403/404     200/404         403/404  200/404         302
planning:task_edit          POST   /plan/tasks/{task}/edit/             302/302  403/403 403/404     302/404         403/404  302/404         302
planning:task_indent        POST   /plan/tasks/{task}/indent/           302/302  403/403 403/404     302/404         403/404  302/404         302
planning:task_outdent       POST   /plan/tasks/{task}/outdent/          302/302  403/403 403/404     302/404         403/404  302/404         302
planning:task_delete        POST   /plan/tasks/{task}/delete/           302/302  403/403 403/404     302/404         403/404  302/404         302
planning:dependency_detail  GET    /plan/links/{dependency}/            200/200  200/200 200/404     200/404         200/404  200/404         302
planning:baseline_detail    GET    /plan/baselines/{baseline}/          200/200  200/200 200/404     200/404         200/404  200/404         302
planning:calendar_detail    GET    /plan/calendars/{calendar}/          200/200  200/200 200/404     200/404         200/404  200/404         302
planning:dependency_delete  POST   /plan/links/{dependency}/delete/     302/302  403/403 403/404     302/404         403/404  302/404         302
planning:program_gantt      GET    /programs/{program}/plan/            200/200  200/200 200/404     200/404         200/404  200/404         302
planning:program_schedule   POST   /programs/{program}/plan/schedule/   302/302  403/403 403/404     302/404         403/404  403/404         302
planning:program_roadmap    GET    /programs/{program}/roadmap/         200/200  200/200 200/404     200/404         200/404  200/404         302
planning:program_checks     GET    /programs/{program}/plan/checks/     200/200  200/200 200/404     200/404         200/404  200/404         302
planning:interface_list     GET    /interfaces/                         200      200     200         200             200      200             302
planning:interface_create   GET    /interfaces/new/                     200      403     403         200             403      200             302
planning:interface_create   POST   /interfaces/new/                     302      403     403         302             403      422             302
planning:interface_detail   GET    /interfaces/{interface}/             200/200  200/200 200/404     200/404         200/404  200/404         302
planning:interface_acknowledge POST /interfaces/{interface}/acknowledge/ 302/302 403/403 403/404     302/404         403/404  403/404         302
planning:interface_delete   POST   /interfaces/{interface}/delete/      302/302  403/403 403/404     302/404         403/404  403/404         302
planning:interface_edit     GET    /interfaces/{interface}/edit/        200/200  403/403 403/404     200/404         403/404  200/404         302
planning:interface_edit     POST   /interfaces/{interface}/edit/        302/302  403/403 403/404     302/404         403/404  302/404         302
api:list_tasks              GET    /api/v1/projects/{project}/tasks     200/200  200/200 200/404     200/404         200/404  200/404         401
api:create_task             POST   /api/v1/projects/{project}/tasks     201/201  403/403 403/404     201/404         403/404  201/404         401
api:get_task                GET    /api/v1/tasks/{task}                 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_task             PATCH  /api/v1/tasks/{task}                 200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_task             DELETE /api/v1/tasks/{task}                 204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_dependencies       GET    /api/v1/projects/{project}/dependencies 200/200  200/200 200/404     200/404         200/404  200/404         401
api:create_dependency       POST   /api/v1/dependencies                 201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_dependency          GET    /api/v1/dependencies/{dependency}    200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_dependency       PATCH  /api/v1/dependencies/{dependency}    200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_dependency       DELETE /api/v1/dependencies/{dependency}    204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_calendars          GET    /api/v1/calendars                    200      200     200         200             200      200             401
api:create_calendar         POST   /api/v1/calendars                    201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_calendar            GET    /api/v1/calendars/{calendar}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_calendar         PATCH  /api/v1/calendars/{calendar}         200/200  403/403 403/404     200/404         403/404  200/404         401
api:list_baselines          GET    /api/v1/projects/{project}/baselines 200/200  200/200 200/404     200/404         200/404  200/404         401
api:create_baseline         POST   /api/v1/projects/{project}/baselines 201/201  403/403 403/404     201/404         201/404  403/404         401
api:get_baseline            GET    /api/v1/baselines/{baseline}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:list_interfaces         GET    /api/v1/interfaces                   200      200     200         200             200      200             401
api:create_interface        POST   /api/v1/interfaces                   201/201  403/403 403/422     201/422         403/422  422/422         401
api:get_interface           GET    /api/v1/interfaces/{interface}       200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_interface        PATCH  /api/v1/interfaces/{interface}       200/200  403/403 403/404     200/404         403/404  200/404         401
api:acknowledge_interface   POST   /api/v1/interfaces/{interface}/acknowledge 200/200 403/403 403/404 200/404         403/404  403/404         401
api:delete_interface        DELETE /api/v1/interfaces/{interface}       204/204  403/403 403/404     204/404         403/404  403/404         401
api:schedule_project        POST   /api/v1/projects/{project}/schedule  200/200  403/403 403/404     200/404         403/404  200/404         401
api:schedule_program        POST   /api/v1/programs/{program}/schedule  200/200  403/403 403/404     200/404         403/404  403/404         401
api:project_consistency     GET    /api/v1/projects/{project}/consistency 200/200  200/200 200/404     200/404         200/404  200/404         401
api:list_risks              GET    /api/v1/risks                        200      200     200         200             200      200             401
api:create_risk             POST   /api/v1/risks                        201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_risk                GET    /api/v1/risks/{risk}                 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_risk             PATCH  /api/v1/risks/{risk}                 200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_risk             DELETE /api/v1/risks/{risk}                 204/204  403/403 403/404     204/404         403/404  204/404         401
api:occur_risk              POST   /api/v1/risks/{risk}/occur           201/201  403/403 403/404     201/404         403/404  201/404         401
api:list_issues             GET    /api/v1/issues                       200      200     200         200             200      200             401
api:create_issue            POST   /api/v1/issues                       201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_issue               GET    /api/v1/issues/{issue}               200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_issue            PATCH  /api/v1/issues/{issue}               200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_issue            DELETE /api/v1/issues/{issue}               204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_assumptions        GET    /api/v1/assumptions                  200      200     200         200             200      200             401
api:create_assumption       POST   /api/v1/assumptions                  201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_assumption          GET    /api/v1/assumptions/{assumption}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_assumption       PATCH  /api/v1/assumptions/{assumption}     200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_assumption       DELETE /api/v1/assumptions/{assumption}     204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_simulations        GET    /api/v1/simulations                  200      200     200         200             200      200             401
api:start_simulation        POST   /api/v1/simulations                  202/202  202/202 403/422     202/422         403/422  403/422         401
api:get_simulation          GET    /api/v1/simulations/{run}            200/200  200/200 200/404     200/404         200/404  200/404         401
raid:portfolio_log          GET    /raid/                               200      200     200         200             200      200             302
raid:program_log            GET    /raid/programs/{program}/            200/200  200/200 200/404     200/404         200/404  200/404         302
raid:project_log            GET    /raid/projects/{project}/            200/200  200/200 200/404     200/404         200/404  200/404         302
raid:cell                   GET    /raid/cell/?project={project}&p=4&i=4 200/200 200/200 200/404     200/404         200/404  200/404         302
raid:bulk                   POST   /raid/bulk/                          302/302  403/403 403/404     302/404         403/404  302/404         302
raid:risk_create            GET    /raid/projects/{project}/risks/new/  200/200  403/403 403/404     200/404         403/404  200/404         302
raid:risk_create            POST   /raid/projects/{project}/risks/new/  302/302  403/403 403/404     302/404         403/404  302/404         302
raid:program_risk_create    GET    /raid/programs/{program}/risks/new/  200/200  403/403 403/404     200/404         403/404  403/404         302
raid:program_risk_create    POST   /raid/programs/{program}/risks/new/  302/302  403/403 403/404     302/404         403/404  403/404         302
raid:issue_create           GET    /raid/projects/{project}/issues/new/ 200/200  403/403 403/404     200/404         403/404  200/404         302
raid:issue_create           POST   /raid/projects/{project}/issues/new/ 302/302  403/403 403/404     302/404         403/404  302/404         302
raid:assumption_create      GET    /raid/projects/{project}/assumptions/new/ 200/200 403/403 403/404 200/404         403/404  200/404         302
raid:assumption_create      POST   /raid/projects/{project}/assumptions/new/ 302/302 403/403 403/404 302/404         403/404  302/404         302
raid:risk_detail            GET    /raid/risks/{risk}/                  200/200  200/200 200/404     200/404         200/404  200/404         302
raid:risk_edit              GET    /raid/risks/{risk}/edit/             200/200  403/403 403/404     200/404         403/404  200/404         302
raid:risk_edit              POST   /raid/risks/{risk}/edit/             302/302  403/403 403/404     302/404         403/404  302/404         302
raid:risk_occur             POST   /raid/risks/{risk}/occur/            302/302  403/403 403/404     302/404         403/404  302/404         302
raid:risk_escalate          POST   /raid/risks/{risk}/escalate/         302/302  403/403 403/404     302/404         403/404  302/404         302
raid:action_detail          GET    /raid/risks/actions/{action}/        200/200  200/200 200/404     200/404         200/404  200/404         302
raid:action_create          POST   /raid/risks/{risk}/actions/          302/302  403/403 403/404     302/404         403/404  302/404         302
raid:issue_detail           GET    /raid/issues/{issue}/                200/200  200/200 200/404     200/404         200/404  200/404         302
raid:issue_edit             GET    /raid/issues/{issue}/edit/           200/200  403/403 403/404     200/404         403/404  200/404         302
raid:issue_edit             POST   /raid/issues/{issue}/edit/           302/302  403/403 403/404     302/404         403/404  302/404         302
raid:issue_escalate         POST   /raid/issues/{issue}/escalate/       302/302  403/403 403/404     302/404         403/404  302/404         302
raid:assumption_detail      GET    /raid/assumptions/{assumption}/      200/200  200/200 200/404     200/404         200/404  200/404         302
raid:assumption_edit        GET    /raid/assumptions/{assumption}/edit/ 200/200  403/403 403/404     200/404         403/404  200/404         302
raid:assumption_edit        POST   /raid/assumptions/{assumption}/edit/ 302/302  403/403 403/404     302/404         403/404  302/404         302
raid:escalations            GET    /raid/escalations/                   200      200     200         200             200      200             302
raid:escalation_detail      GET    /raid/escalations/{escalation}/      200/200  200/200 200/404     200/404         200/404  200/404         302
raid:escalation_decide      POST   /raid/escalations/{escalation}/decide/ 302/302 403/403 403/404    403/404         302/404  403/404         302
raid:settings               POST   /raid/programs/{program}/settings/   302/302  403/403 403/404     302/404         403/404  403/404         302
raid:run_start              POST   /raid/programs/{program}/simulations/new/ 302/302 302/302 403/404 302/404         403/404  403/404         302
raid:run_detail             GET    /raid/simulations/{run}/             200/200  200/200 200/404     200/404         200/404  200/404         302
raid:run_progress           GET    /raid/simulations/{run}/progress/    200/200  200/200 200/404     200/404         200/404  200/404         302
raid:run_compare            GET    /raid/simulations/compare/?a={run}&b={run} 200/200 200/200 200/404 200/404       200/404  200/404         302
api:get_estimate            GET    /api/v1/estimates/{raid_task}        200/200  200/200 200/404     200/404         200/404  200/404         401
api:set_estimate            PUT    /api/v1/estimates/{raid_task}        200/200  403/403 403/404     200/404         403/404  200/404         401
raid:scale                  GET    /raid/scale/                         200      200     200         200             200      200             302
raid:scale                  POST   /raid/scale/                         302      403     403         403             403      403             302
api:escalate_risk           POST   /api/v1/risks/{risk}/escalate        200/200  403/403 403/404     200/404         403/404  200/404         401
api:escalate_issue          POST   /api/v1/issues/{issue}/escalate      200/200  403/403 403/404     200/404         403/404  200/404         401
api:list_escalations        GET    /api/v1/escalations                  200      200     200         200             200      200             401
api:decide_escalation       POST   /api/v1/escalations/{escalation}/decide 200/200 403/403 403/404   403/404         200/404  403/404         401
finance:overview            GET    /finance/                            200      200     200         200             200      200             302
finance:pmo_budget          GET    /finance/pmo/                        200      200     403         403             403      403             302
finance:pmo_budget_create   GET    /finance/pmo/budget/new/             200      403     403         403             403      403             302
finance:pmo_budget_create   POST   /finance/pmo/budget/new/             302      403     403         403             403      403             302
finance:rates               GET    /finance/rates/                      200      200     200         200             200      200             302
finance:rates               POST   /finance/rates/                      302      403     403         403             403      403             302
finance:program_finance     GET    /finance/programs/{program}/         200/200  200/200 200/404     200/404         200/404  403/404         302
finance:program_budget_create GET  /finance/programs/{program}/budget/new/ 200/200 403/403 403/404   200/404         403/404  403/404         302
finance:program_budget_create POST /finance/programs/{program}/budget/new/ 302/302 403/403 403/404   302/404         403/404  403/404         302
finance:project_finance     GET    /finance/projects/{project}/         200/200  200/200 200/404     200/404         200/404  200/404         302
finance:project_budget_create GET  /finance/projects/{project}/budget/new/ 200/200 403/403 403/404   200/404         403/404  200/404         302
finance:project_budget_create POST /finance/projects/{project}/budget/new/ 302/302 403/403 403/404   302/404         403/404  302/404         302
finance:cost_entry_create   GET    /finance/projects/{project}/costs/new/ 200/200 403/403 403/404    200/404         403/404  200/404         302
finance:cost_entry_create   POST   /finance/projects/{project}/costs/new/ 302/302 403/403 403/404    302/404         403/404  302/404         302
finance:control_account_create GET /finance/projects/{project}/control-accounts/new/ 200/200 403/403 403/404 200/404 403/404 200/404     302
finance:control_account_create POST /finance/projects/{project}/control-accounts/new/ 302/302 403/403 403/404 302/404 403/404 302/404    302
finance:status_record       POST   /finance/projects/{project}/status/  302/302  403/403 403/404     302/404         403/404  302/404         302
finance:budget_change       GET    /finance/budgets/{fin_budget}/change/ 200/200 403/403 403/404     200/404         403/404  200/404         302
finance:budget_change       POST   /finance/budgets/{fin_budget}/change/ 302/302 403/403 403/404     302/404         403/404  302/404         302
finance:budget_line_create  GET    /finance/budgets/{fin_budget}/lines/new/ 200/200 403/403 403/404  200/404         403/404  200/404         302
finance:budget_line_create  POST   /finance/budgets/{fin_budget}/lines/new/ 302/302 403/403 403/404  302/404         403/404  302/404         302
finance:budget_change_detail GET   /finance/budget-changes/{fin_change}/ 200/200 200/200 200/404     200/404         200/404  200/404         302
finance:budget_line_detail  GET    /finance/budget-lines/{fin_line}/    200/200  200/200 200/404     200/404         200/404  200/404         302
finance:budget_line_delete  POST   /finance/budget-lines/{fin_line}/delete/ 302/302 403/403 403/404  302/404         403/404  302/404         302
finance:cost_entry_detail   GET    /finance/costs/{fin_cost}/           200/200  200/200 200/404     200/404         200/404  200/404         302
finance:cost_entry_delete   POST   /finance/costs/{fin_cost}/delete/    302/302  403/403 403/404     302/404         403/404  302/404         302
finance:control_account_detail GET /finance/control-accounts/{fin_account}/ 200/200 200/200 200/404  200/404         200/404  200/404         302
finance:control_account_detail POST /finance/control-accounts/{fin_account}/ 302/302 403/403 403/404 302/404         403/404  302/404         302
api:project_evm             GET    /api/v1/projects/{project}/evm       200/200  200/200 200/404     200/404         200/404  200/404         401
api:program_evm             GET    /api/v1/programs/{program}/evm       200/200  200/200 200/404     200/404         200/404  200/404         401
api:portfolio_evm           GET    /api/v1/portfolio/evm                200      200     200         200             200      200             401
api:list_cost_entries       GET    /api/v1/cost-entries                 200      200     200         200             200      200             401
api:create_cost_entry       POST   /api/v1/cost-entries                 201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_cost_entry          GET    /api/v1/cost-entries/{fin_cost}      200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_cost_entry       PATCH  /api/v1/cost-entries/{fin_cost}      200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_cost_entry       DELETE /api/v1/cost-entries/{fin_cost}      204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_budgets            GET    /api/v1/budgets                      200      200     200         200             200      200             401
api:create_budget           POST   /api/v1/budgets                      201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_budget              GET    /api/v1/budgets/{fin_budget}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_budget           PATCH  /api/v1/budgets/{fin_budget}         200/200  403/403 403/404     200/404         403/404  200/404         401
api:list_budget_changes     GET    /api/v1/budgets/{fin_budget}/changes 200/200  200/200 200/404     200/404         200/404  200/404         401
api:request_budget_change   POST   /api/v1/budgets/{fin_budget}/changes 201/201  403/403 403/404     201/404         403/404  201/404         401
api:list_budget_lines       GET    /api/v1/budget-lines                 200      200     200         200             200      200             401
api:create_budget_line      POST   /api/v1/budget-lines                 201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_budget_line         GET    /api/v1/budget-lines/{fin_line}      200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_budget_line      PATCH  /api/v1/budget-lines/{fin_line}      200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_budget_line      DELETE /api/v1/budget-lines/{fin_line}      204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_control_accounts   GET    /api/v1/control-accounts             200      200     200         200             200      200             401
api:create_control_account  POST   /api/v1/control-accounts             201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_control_account     GET    /api/v1/control-accounts/{fin_account} 200/200 200/200 200/404    200/404         200/404  200/404         401
api:update_control_account  PATCH  /api/v1/control-accounts/{fin_account} 200/200 403/403 403/404    200/404         403/404  200/404         401
api:list_forecasts          GET    /api/v1/control-accounts/{fin_account}/forecasts 200/200 200/200 200/404 200/404 200/404 200/404       401
api:create_forecast         POST   /api/v1/control-accounts/{fin_account}/forecasts 201/201 403/403 403/404 201/404 403/404 201/404       401
api:list_exchange_rates     GET    /api/v1/exchange-rates               200      200     200         200             200      200             401
api:set_exchange_rate       POST   /api/v1/exchange-rates               201      403     403         403             403      403             401
api:delete_exchange_rate    DELETE /api/v1/exchange-rates/{fin_rate}    204      403     403         403             403      403             401
api:record_status           POST   /api/v1/projects/{project}/status-records 201/201 403/403 403/404 201/404         403/404  201/404         401
resources:pool              GET    /resources/                          200      200     200         200             200      200             302
resources:resource_create   GET    /resources/new/                      200      403     403         403             403      403             302
resources:resource_create   POST   /resources/new/                      302      403     403         403             403      403             302
resources:resource_detail   GET    /resources/{resource}/               200      200     200         200             200      200             302
resources:resource_edit     GET    /resources/{resource}/edit/          200      403     403         403             403      403             302
resources:resource_edit     POST   /resources/{resource}/edit/          302      403     403         403             403      403             302
resources:resource_delete   POST   /resources/{resource}/delete/        302      403     403         403             403      403             302
resources:skill_set         POST   /resources/{resource}/skills/        302      403     403         403             403      403             302
resources:leave_create      POST   /resources/{resource}/leave/         302      403     403         403             403      403             302
resources:rate_create       POST   /resources/{resource}/rates/         302      403     403         403             403      403             302
resources:skill_remove      POST   /resources/held-skills/{held}/remove/ 302     403     403         403             403      403             302
resources:leave_delete      POST   /resources/leave/{leave}/delete/     302      403     403         403             403      403             302
resources:rate_delete       POST   /resources/rates/{rate}/delete/      302      403     403         403             403      403             302
resources:team_list         GET    /resources/teams/                    200      200     200         200             200      200             302
resources:team_create       GET    /resources/teams/new/                200      403     403         403             403      403             302
resources:team_create       POST   /resources/teams/new/                302      403     403         403             403      403             302
resources:team_detail       GET    /resources/teams/{team}/             200      200     200         200             200      200             302
resources:team_edit         GET    /resources/teams/{team}/edit/        200      403     403         403             403      403             302
resources:team_edit         POST   /resources/teams/{team}/edit/        302      403     403         403             403      403             302
resources:organisation_create GET  /resources/organisations/new/        200      403     403         403             403      403             302
resources:organisation_create POST /resources/organisations/new/        302      403     403         403             403      403             302
resources:organisation_detail GET  /resources/organisations/{organisation}/ 200  200     200         200             200      200             302
resources:skill_list        GET    /resources/skills/                   200      200     200         200             200      200             302
resources:skill_create      GET    /resources/skills/new/               200      403     403         403             403      403             302
resources:skill_create      POST   /resources/skills/new/               302      403     403         403             403      403             302
resources:skill_detail      GET    /resources/skills/{skill}/           200      200     200         200             200      200             302
resources:heatmap           GET    /resources/capacity/                 200      200     200         200             200      200             302
resources:heatmap_cell      GET    /resources/capacity/cell/?row=r{resource}&bucket=0 200 200 200    200             200      200             302
resources:demand            GET    /resources/demand/                   200      200     200         200             200      200             302
resources:project_assignments GET  /resources/projects/{project}/       200/200  200/200 200/404     200/404         200/404  200/404         302
resources:run_start         POST   /resources/projects/{project}/level/ 302/302  302/302 403/404     302/404         403/404  302/404         302
resources:assignment_create GET    /resources/tasks/{res_task}/assign/  200/200  403/403 403/404     200/404         403/404  200/404         302
resources:assignment_create POST   /resources/tasks/{res_task}/assign/  302/302  403/403 403/404     302/404         403/404  302/404         302
resources:assignment_detail GET    /resources/assignments/{assignment}/ 200/200  200/200 200/404     200/404         200/404  200/404         302
resources:assignment_edit   GET    /resources/assignments/{assignment}/edit/ 200/200 403/403 403/404 200/404         403/404  200/404         302
resources:assignment_edit   POST   /resources/assignments/{assignment}/edit/ 302/302 403/403 403/404 302/404         403/404  302/404         302
resources:assignment_delete POST   /resources/assignments/{assignment}/delete/ 302/302 403/403 403/404 302/404       403/404  302/404         302
resources:assignment_fill   POST   /resources/assignments/{demand}/fill/ 302/302 403/403 403/404     302/404         403/404  403/404         302
resources:run_detail        GET    /resources/leveling/{levelrun}/      200/200  200/200 200/404     200/404         200/404  200/404         302
resources:run_progress      GET    /resources/leveling/{levelrun}/progress/ 200/200 200/200 200/404  200/404         200/404  200/404         302
resources:run_accept        POST   /resources/leveling/{levelrun}/accept/ 302/302 403/403 403/404    302/404         403/404  403/404         302
resources:run_reject        POST   /resources/leveling/{levelrun}/reject/ 302/302 403/403 403/404    302/404         403/404  403/404         302
api:list_resources          GET    /api/v1/resources                    200      200     200         200             200      200             401
api:create_resource         POST   /api/v1/resources                    201      403     403         403             403      403             401
api:get_resource            GET    /api/v1/resources/{resource}         200      200     200         200             200      200             401
api:update_resource         PATCH  /api/v1/resources/{resource}         200      403     403         403             403      403             401
api:delete_resource         DELETE /api/v1/resources/{resource}         204      403     403         403             403      403             401
api:set_resource_skill      PUT    /api/v1/resources/{resource}/skills  200      403     403         403             403      403             401
api:list_leave              GET    /api/v1/resources/{resource}/leave   200      200     200         200             200      200             401
api:create_leave            POST   /api/v1/resources/{resource}/leave   201      403     403         403             403      403             401
api:delete_leave            DELETE /api/v1/leave/{leave}                204      403     403         403             403      403             401
api:list_rates              GET    /api/v1/resources/{resource}/rates   200      200     403         403             403      403             401
api:create_rate             POST   /api/v1/resources/{resource}/rates   201      403     403         403             403      403             401
api:list_teams              GET    /api/v1/teams                        200      200     200         200             200      200             401
api:create_team             POST   /api/v1/teams                        201      403     403         403             403      403             401
api:get_team                GET    /api/v1/teams/{team}                 200      200     200         200             200      200             401
api:list_organisations      GET    /api/v1/organisations                200      200     200         200             200      200             401
api:create_organisation     POST   /api/v1/organisations                201      403     403         403             403      403             401
api:list_skills             GET    /api/v1/skills                       200      200     200         200             200      200             401
api:create_skill            POST   /api/v1/skills                       201      403     403         403             403      403             401
api:get_skill               GET    /api/v1/skills/{skill}               200      200     200         200             200      200             401
api:list_assignments        GET    /api/v1/assignments                  200      200     200         200             200      200             401
api:create_assignment       POST   /api/v1/assignments                  201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_assignment          GET    /api/v1/assignments/{assignment}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_assignment       PATCH  /api/v1/assignments/{assignment}     200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_assignment       DELETE /api/v1/assignments/{assignment}     204/204  403/403 403/404     204/404         403/404  204/404         401
api:fill_assignment         POST   /api/v1/assignments/{demand}/fill    200/200  403/403 403/404     200/404         403/404  403/404         401
api:get_capacity            GET    /api/v1/capacity                     200      200     200         200             200      200             401
api:list_leveling_runs      GET    /api/v1/leveling-runs                200      200     200         200             200      200             401
api:start_leveling          POST   /api/v1/leveling-runs                202/202  202/202 403/422     202/422         403/422  202/422         401
api:get_leveling_run        GET    /api/v1/leveling-runs/{levelrun}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:accept_leveling         POST   /api/v1/leveling-runs/{levelrun}/accept 200/200 403/403 403/404   200/404         403/404  403/404         401
api:reject_leveling         POST   /api/v1/leveling-runs/{levelrun}/reject 200/200 403/403 403/404   200/404         403/404  403/404         401
procurement:register         GET    /procurement/                        200      200     200         200             200      200             302
procurement:export           GET    /procurement/export/?tab=contracts   200      200     200         200             200      200             302
procurement:vendor_create    GET    /procurement/vendors/new/            200      403     403         403             403      403             302
procurement:vendor_create    POST   /procurement/vendors/new/            302      403     403         403             403      403             302
procurement:vendor_detail    GET    /procurement/vendors/{vendor}/       200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:vendor_edit      GET    /procurement/vendors/{vendor}/edit/  200/200  403/403 403/404     403/404         403/404  403/404         302
procurement:vendor_edit      POST   /procurement/vendors/{vendor}/edit/  302/302  403/403 403/404     403/404         403/404  403/404         302
procurement:program_contract_create GET /procurement/programs/{program}/contracts/new/ 200/200 403/403 403/404 200/404 403/404 403/404     302
procurement:program_contract_create POST /procurement/programs/{program}/contracts/new/ 302/302 403/403 403/404 302/404 403/404 403/404   302
procurement:contract_create  GET    /procurement/projects/{project}/contracts/new/ 200/200 403/403 403/404 200/404     403/404  200/404         302
procurement:contract_create  POST   /procurement/projects/{project}/contracts/new/ 302/302 403/403 403/404 302/404     403/404  302/404         302
procurement:contract_detail  GET    /procurement/contracts/{contract}/   200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:contract_edit    GET    /procurement/contracts/{contract}/edit/ 200/200 403/403 403/404  200/404         403/404  200/404         302
procurement:contract_edit    POST   /procurement/contracts/{contract}/edit/ 302/302 403/403 403/404  302/404         403/404  302/404         302
procurement:payment_create   POST   /procurement/contracts/{contract}/payments/ 302/302 403/403 403/404 302/404      403/404  302/404         302
procurement:payment_detail   GET    /procurement/payments/{payment}/     200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:payment_edit     GET    /procurement/payments/{payment}/edit/ 200/200 403/403 403/404    200/404         403/404  200/404         302
procurement:payment_edit     POST   /procurement/payments/{payment}/edit/ 302/302 403/403 403/404    302/404         403/404  302/404         302
api:list_vendors             GET    /api/v1/vendors                      200      200     200         200             200      200             401
api:create_vendor            POST   /api/v1/vendors                      201      403     403         403             403      403             401
api:get_vendor               GET    /api/v1/vendors/{vendor}             200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_vendor            PATCH  /api/v1/vendors/{vendor}             200/200  403/403 403/404     403/404         403/404  403/404         401
api:delete_vendor            DELETE /api/v1/vendors/{vendor}             422/422  403/403 403/404     403/404         403/404  403/404         401
api:list_contracts           GET    /api/v1/contracts                    200      200     200         200             200      200             401
api:create_contract          POST   /api/v1/contracts                    201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_contract             GET    /api/v1/contracts/{contract}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_contract          PATCH  /api/v1/contracts/{contract}         200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_contract          DELETE /api/v1/contracts/{contract}         204/204  403/403 403/404     204/404         403/404  204/404         401
api:list_payment_milestones  GET    /api/v1/payment-milestones           200      200     200         200             200      200             401
api:create_payment_milestone POST   /api/v1/payment-milestones           201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_payment_milestone    GET    /api/v1/payment-milestones/{payment} 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_payment_milestone PATCH  /api/v1/payment-milestones/{payment} 200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_payment_milestone DELETE /api/v1/payment-milestones/{payment} 204/204  403/403 403/404     204/404         403/404  204/404         401
documents:search             GET    /documents/                          200      200     200         200             200      200             302
documents:program_documents  GET    /documents/programs/{program}/       200/200  200/200 200/404     200/404         200/404  200/404         302
documents:project_documents  GET    /documents/projects/{project}/       200/200  200/200 200/404     200/404         200/404  200/404         302
documents:document_create    GET    /documents/new/project/{project}/    200/200  403/403 200/404     200/404         403/404  200/404         302
documents:document_create    POST   /documents/new/project/{project}/    302/302  403/403 302/404     302/404         403/404  302/404         302
documents:document_detail    GET    /documents/{document}/               200/200  200/200 200/404     200/404         200/404  200/404         302
documents:document_edit      GET    /documents/{document}/edit/          200/200  403/403 200/404     200/404         403/404  200/404         302
documents:document_edit      POST   /documents/{document}/edit/          302/302  403/403 302/404     302/404         403/404  302/404         302
documents:document_delete    GET    /documents/{document}/delete/        200/200  403/403 200/404     200/404         403/404  200/404         302
documents:document_delete    POST   /documents/{document}/delete/        302/302  403/403 302/404     302/404         403/404  302/404         302
documents:version_create     GET    /documents/{document}/versions/new/  200/200  403/403 200/404     200/404         403/404  200/404         302
documents:version_create     POST   /documents/{document}/versions/new/  302/302  403/403 302/404     302/404         403/404  302/404         302
documents:version_download   GET    /documents/versions/{docversion}/download/ 200/200 200/200 200/404 200/404      200/404  200/404         302
api:list_documents           GET    /api/v1/documents                    200      200     200         200             200      200             401
api:create_document          POST   /api/v1/documents                    201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_document             GET    /api/v1/documents/{document}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_document          PATCH  /api/v1/documents/{document}         200/200  403/403 200/404     200/404         403/404  200/404         401
api:delete_document          DELETE /api/v1/documents/{document}         204/204  403/403 204/404     204/404         403/404  204/404         401
api:list_document_versions   GET    /api/v1/documents/{document}/versions 200/200 200/200 200/404     200/404         200/404  200/404         401
api:create_document_version  POST   /api/v1/documents/{document}/versions 201/201 403/403 201/404     201/404         403/404  201/404         401
api:download_document_version GET   /api/v1/document-versions/{docversion}/download 200/200 200/200 200/404 200/404 200/404 200/404          401
procurement:inbox            GET    /procurement/inbox/                  200      200     200         200             200      200             302
procurement:order_create     GET    /procurement/projects/{project}/orders/new/ 200/200 403/403 403/404 200/404      403/404  200/404         302
procurement:order_create     POST   /procurement/projects/{project}/orders/new/ 302/302 403/403 403/404 302/404      403/404  302/404         302
procurement:order_detail     GET    /procurement/orders/{order}/         200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:order_edit       GET    /procurement/orders/{order}/edit/    200/200  403/403 403/404     200/404         403/404  200/404         302
procurement:order_edit       POST   /procurement/orders/{order}/edit/    302/302  403/403 403/404     302/404         403/404  302/404         302
procurement:line_create      POST   /procurement/orders/{order}/lines/   302/302  403/403 403/404     302/404         403/404  302/404         302
procurement:invoice_create   POST   /procurement/orders/{order}/invoices/ 302/302 403/403 403/404     302/404         403/404  302/404         302
procurement:line_detail      GET    /procurement/order-lines/{line}/     200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:line_edit        GET    /procurement/order-lines/{line}/edit/ 200/200 403/403 403/404     200/404         403/404  200/404         302
procurement:line_edit        POST   /procurement/order-lines/{line}/edit/ 302/302 403/403 403/404     302/404         403/404  302/404         302
procurement:invoice_detail   GET    /procurement/invoices/{invoice}/     200/200  200/200 200/404     200/404         200/404  200/404         302
procurement:invoice_edit     GET    /procurement/invoices/{invoice}/edit/ 200/200 403/403 403/404     200/404         403/404  200/404         302
procurement:invoice_edit     POST   /procurement/invoices/{invoice}/edit/ 302/302 403/403 403/404     302/404         403/404  302/404         302
procurement:invoice_approve  POST   /procurement/invoices/{invoice}/approve/ 302/302 403/403 403/404  302/404         403/404  302/404         302
procurement:invoice_pay      POST   /procurement/invoices/{approved}/pay/ 302/302 403/403 403/404     302/404         403/404  302/404         302
procurement:invoice_reject   POST   /procurement/invoices/{invoice}/reject/ 302/302 403/403 403/404   302/404         403/404  302/404         302
api:list_purchase_orders     GET    /api/v1/purchase-orders              200      200     200         200             200      200             401
api:create_purchase_order    POST   /api/v1/purchase-orders              201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_purchase_order       GET    /api/v1/purchase-orders/{order}      200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_purchase_order    PATCH  /api/v1/purchase-orders/{order}      200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_purchase_order    DELETE /api/v1/purchase-orders/{order}      422/422  403/403 403/404     422/404         403/404  422/404         401
api:list_purchase_order_lines GET   /api/v1/purchase-order-lines         200      200     200         200             200      200             401
api:create_purchase_order_line POST /api/v1/purchase-order-lines         201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_purchase_order_line  GET    /api/v1/purchase-order-lines/{line}  200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_purchase_order_line PATCH /api/v1/purchase-order-lines/{line} 200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_purchase_order_line DELETE /api/v1/purchase-order-lines/{line} 422/422 403/403 403/404     422/404         403/404  422/404         401
api:list_invoices            GET    /api/v1/invoices                     200      200     200         200             200      200             401
api:create_invoice           POST   /api/v1/invoices                     201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_invoice              GET    /api/v1/invoices/{invoice}           200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_invoice           PATCH  /api/v1/invoices/{invoice}           200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_invoice           DELETE /api/v1/invoices/{invoice}           204/204  403/403 403/404     204/404         403/404  204/404         401
api:approve_invoice          POST   /api/v1/invoices/{invoice}/approve   200/200  403/403 403/404     200/404         403/404  200/404         401
api:pay_invoice              POST   /api/v1/invoices/{approved}/pay      200/200  403/403 403/404     200/404         403/404  200/404         401
api:reject_invoice           POST   /api/v1/invoices/{invoice}/reject    200/200  403/403 403/404     200/404         403/404  200/404         401
benefits:register            GET    /benefits/                           200      200     200         200             200      200             302
benefits:program             GET    /benefits/programs/{program}/        200/200  200/200 200/404     200/404         200/404  200/404         302
benefits:benefit_create      GET    /benefits/programs/{program}/new/    200/200  403/403 403/404     200/404         403/404  403/404         302
benefits:benefit_create      POST   /benefits/programs/{program}/new/    302/302  403/403 403/404     302/404         403/404  403/404         302
benefits:map                 GET    /benefits/programs/{program}/map/    200/200  200/200 200/404     200/404         200/404  403/404         302
benefits:node_create         POST   /benefits/programs/{program}/map/nodes/ 302/302 403/403 403/404   302/404         403/404  403/404         302
benefits:edge_create         POST   /benefits/programs/{program}/map/edges/ 302/302 403/403 403/404   302/404         403/404  403/404         302
benefits:node_delete         POST   /benefits/map/nodes/{map_node}/delete/ 302/302 403/403 403/404    302/404         403/404  404/404         302
benefits:edge_delete         POST   /benefits/map/edges/{map_edge}/delete/ 302/302 403/403 403/404    302/404         403/404  404/404         302
benefits:benefit_detail      GET    /benefits/{benefit}/                 200/200  200/200 200/404     200/404         200/404  200/404         302
benefits:benefit_edit        GET    /benefits/{benefit}/edit/            200/200  403/403 403/404     200/404         403/404  403/404         302
benefits:benefit_edit        POST   /benefits/{benefit}/edit/            302/302  403/403 403/404     302/404         403/404  403/404         302
benefits:benefit_delete      POST   /benefits/{benefit}/delete/          302/302  403/403 403/404     302/404         403/404  403/404         302
benefits:measurement_create  GET    /benefits/{benefit}/measurements/new/ 200/200 200/200 403/404     200/404         403/404  200/404         302
benefits:measurement_create  POST   /benefits/{benefit}/measurements/new/ 302/302 302/302 403/404     302/404         403/404  302/404         302
benefits:benefit_handover    GET    /benefits/{benefit}/handover/        200/200  403/403 403/404     200/404         403/404  403/404         302
benefits:benefit_handover    POST   /benefits/{benefit}/handover/        302/302  403/403 403/404     302/404         403/404  403/404         302
benefits:objectives          GET    /benefits/objectives/                200      200     200         200             200      200             302
benefits:objective_create    GET    /benefits/objectives/new/            200      403     403         403             403      403             302
benefits:objective_create    POST   /benefits/objectives/new/            302      403     403         403             403      403             302
benefits:objective_detail    GET    /benefits/objectives/{objective}/    200      200     200         200             200      200             302
benefits:objective_edit      GET    /benefits/objectives/{objective}/edit/ 200    403     403         403             403      403             302
benefits:objective_edit      POST   /benefits/objectives/{objective}/edit/ 302    403     403         403             403      403             302
benefits:settings            GET    /benefits/settings/                  200      200     200         200             200      200             302
benefits:settings            POST   /benefits/settings/                  302      403     403         403             403      403             302
benefits:selection           GET    /benefits/selection/                 200      200     200         403             200      403             302
benefits:candidate_create    GET    /benefits/selection/candidates/new/  200      200     403         403             403      403             302
benefits:candidate_create    POST   /benefits/selection/candidates/new/  302      302     403         403             403      403             302
benefits:candidate_detail    GET    /benefits/selection/candidates/{candidate}/ 200 200  200         404             200      404             302
benefits:candidate_edit      GET    /benefits/selection/candidates/{candidate}/edit/ 200 200 403     404             403      404             302
benefits:candidate_edit      POST   /benefits/selection/candidates/{candidate}/edit/ 302 302 403     404             403      404             302
benefits:scenario_start      GET    /benefits/selection/scenarios/new/   200      200     403         403             200      403             302
benefits:scenario_start      POST   /benefits/selection/scenarios/new/   302      302     403         403             302      403             302
benefits:scenario_detail     GET    /benefits/selection/scenarios/{scenario}/ 200 200    200         404             200      404             302
benefits:scenario_progress   GET    /benefits/selection/scenarios/{scenario}/progress/ 200 200 200   404             200      404             302
api:get_benefit_settings     GET    /api/v1/benefit-settings             200      200     200         200             200      200             401
api:update_benefit_settings  PATCH  /api/v1/benefit-settings             200      403     403         403             403      403             401
api:list_objectives          GET    /api/v1/objectives                   200      200     200         200             200      200             401
api:create_objective         POST   /api/v1/objectives                   201      403     403         403             403      403             401
api:get_objective            GET    /api/v1/objectives/{objective}       200      200     200         200             200      200             401
api:update_objective         PATCH  /api/v1/objectives/{objective}       200      403     403         403             403      403             401
api:delete_objective         DELETE /api/v1/objectives/{objective}       204      403     403         403             403      403             401
api:list_benefits            GET    /api/v1/benefits                     200      200     200         200             200      200             401
api:create_benefit           POST   /api/v1/benefits                     201/201  403/403 403/422     201/422         403/422  403/422         401
api:get_benefit              GET    /api/v1/benefits/{benefit}           200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_benefit           PATCH  /api/v1/benefits/{benefit}           200/200  403/403 403/404     200/404         403/404  403/404         401
api:delete_benefit           DELETE /api/v1/benefits/{benefit}           204/204  403/403 403/404     204/404         403/404  403/404         401
api:handover_benefit         POST   /api/v1/benefits/{benefit}/handover  200/200  403/403 403/404     200/404         403/404  403/404         401
api:list_measurements        GET    /api/v1/benefits/{benefit}/measurements 200/200 200/200 200/404  200/404         200/404  200/404         401
api:create_measurement       POST   /api/v1/benefits/{benefit}/measurements 201/201 201/201 403/404  201/404         403/404  201/404         401
api:benefit_at_risk          GET    /api/v1/benefits/{benefit}/at-risk   200/200  200/200 200/404     200/404         200/404  200/404         401
api:program_value            GET    /api/v1/programs/{program}/value     200/200  200/200 200/404     200/404         200/404  200/404         401
api:get_benefits_map         GET    /api/v1/programs/{program}/benefits-map 200/200 200/200 200/404  200/404         200/404  403/404         401
api:create_map_node          POST   /api/v1/map-nodes                    201/201  403/403 403/422     201/422         403/422  403/422         401
api:delete_map_node          DELETE /api/v1/map-nodes/{map_node}         204/204  403/403 403/404     204/404         403/404  404/404         401
api:create_map_edge          POST   /api/v1/map-edges                    201/201  403/403 403/422     201/422         403/422  403/422         401
api:delete_map_edge          DELETE /api/v1/map-edges/{map_edge}         204/204  403/403 403/404     204/404         403/404  404/404         401
api:list_candidates          GET    /api/v1/candidates                   200      200     200         200             200      200             401
api:create_candidate         POST   /api/v1/candidates                   201      201     403         403             403      403             401
api:get_candidate            GET    /api/v1/candidates/{candidate}       200      200     200         404             200      404             401
api:update_candidate         PATCH  /api/v1/candidates/{candidate}       200      200     403         404             403      404             401
api:delete_candidate         DELETE /api/v1/candidates/{candidate}       204      204     403         404             403      404             401
api:list_selection_scenarios GET    /api/v1/selection-scenarios          200      200     200         200             200      200             401
api:start_selection_scenario POST   /api/v1/selection-scenarios          202      202     403         403             202      403             401
api:get_selection_scenario   GET    /api/v1/selection-scenarios/{scenario} 200    200     200         404             200      404             401
stakeholders:register        GET    /stakeholders/                       200      200     200         200             200      200             302
stakeholders:export          GET    /stakeholders/export/                200      200     200         200             200      200             302
stakeholders:program         GET    /stakeholders/programs/{program}/    200/200  200/200 200/404     200/404         200/404  200/404         302
stakeholders:engagement      GET    /stakeholders/programs/{program}/engagement/ 200/200 200/200 200/404 200/404     200/404  200/404         302
stakeholders:stakeholder_create GET /stakeholders/programs/{program}/new/ 200/200 403/403 200/404     200/404         403/404  403/404         302
stakeholders:stakeholder_create POST /stakeholders/programs/{program}/new/ 302/302 403/403 302/404    302/404         403/404  403/404         302
stakeholders:group_create    GET    /stakeholders/programs/{program}/groups/new/ 200/200 403/403 200/404 200/404     403/404  403/404         302
stakeholders:group_create    POST   /stakeholders/programs/{program}/groups/new/ 302/302 403/403 302/404 302/404     403/404  403/404         302
stakeholders:group_detail    GET    /stakeholders/groups/{sh_group}/     200/200  200/200 200/404     200/404         200/404  200/404         302
stakeholders:group_edit      GET    /stakeholders/groups/{sh_group}/edit/ 200/200 403/403 200/404     200/404         403/404  403/404         302
stakeholders:group_edit      POST   /stakeholders/groups/{sh_group}/edit/ 302/302 403/403 302/404     302/404         403/404  403/404         302
stakeholders:stakeholder_detail GET /stakeholders/{stakeholder}/         200/200  200/200 200/404     200/404         200/404  200/404         302
stakeholders:stakeholder_edit GET   /stakeholders/{stakeholder}/edit/    200/200  403/403 200/404     200/404         403/404  403/404         302
stakeholders:stakeholder_edit POST  /stakeholders/{stakeholder}/edit/    302/302  403/403 302/404     302/404         403/404  403/404         302
stakeholders:stakeholder_delete POST /stakeholders/{stakeholder}/delete/ 302/302  403/403 302/404     302/404         403/404  403/404         302
stakeholders:assessment_create GET  /stakeholders/{stakeholder}/assessments/new/ 200/200 403/403 200/404 200/404   403/404  403/404         302
stakeholders:assessment_create POST /stakeholders/{stakeholder}/assessments/new/ 302/302 403/403 302/404 302/404   403/404  403/404         302
stakeholders:action_create   GET    /stakeholders/{stakeholder}/actions/new/ 200/200 403/403 200/404   200/404         403/404  403/404         302
stakeholders:action_create   POST   /stakeholders/{stakeholder}/actions/new/ 302/302 403/403 302/404   302/404         403/404  403/404         302
stakeholders:action_detail   GET    /stakeholders/actions/{sh_action}/   200/200  200/200 200/404     200/404         200/404  200/404         302
stakeholders:action_edit     GET    /stakeholders/actions/{sh_action}/edit/ 200/200 403/403 200/404   200/404         403/404  403/404         302
stakeholders:action_edit     POST   /stakeholders/actions/{sh_action}/edit/ 302/302 403/403 302/404   302/404         403/404  403/404         302
stakeholders:raci            GET    /stakeholders/projects/{project}/raci/ 200/200 200/200 200/404    200/404         200/404  200/404         302
stakeholders:raci            POST   /stakeholders/projects/{project}/raci/ 302/302 403/403 302/404    302/404         403/404  302/404         302
change:scope                 GET    /change/projects/{project}/scope/    200/200  200/200 200/404     200/404         200/404  200/404         302
change:deliverable_detail    GET    /change/deliverables/{deliverable}/  200/200  200/200 200/404     200/404         200/404  200/404         302
change:item_detail           GET    /change/scope-items/{scope_item}/    200/200  200/200 200/404     200/404         200/404  200/404         302
change:scope_baseline_detail GET    /change/scope-baselines/{scope_baseline}/ 200/200 200/200 200/404  200/404         200/404  200/404         302
change:deliverable_decide    POST   /change/deliverables/{deliverable}/decide/ 302/302 403/403 403/404 302/404       403/404  403/404         302
change:deliverable_create    GET    /change/projects/{project}/scope/deliverables/new/ 200/200 403/403 403/404 200/404 403/404 200/404    302
change:deliverable_create    POST   /change/projects/{project}/scope/deliverables/new/ 302/302 403/403 403/404 302/404 403/404 302/404    302
change:deliverable_edit      GET    /change/deliverables/{deliverable}/edit/ 200/200 403/403 403/404 200/404    403/404  200/404         302
change:deliverable_edit      POST   /change/deliverables/{deliverable}/edit/ 302/302 403/403 403/404 302/404    403/404  302/404         302
change:deliverable_delete    GET    /change/deliverables/{dl_spare}/delete/ 200/200 403/403 403/404 200/404     403/404  200/404         302
change:deliverable_delete    POST   /change/deliverables/{dl_spare}/delete/ 302/302 403/403 403/404 302/404     403/404  302/404         302
change:item_create           GET    /change/projects/{project}/scope/items/new/ 200/200 403/403 403/404 200/404 403/404  200/404         302
change:item_create           POST   /change/projects/{project}/scope/items/new/ 302/302 403/403 403/404 302/404 403/404  302/404         302
change:item_edit             GET    /change/scope-items/{scope_item}/edit/ 200/200 403/403 403/404   200/404         403/404  200/404         302
change:item_edit             POST   /change/scope-items/{scope_item}/edit/ 302/302 403/403 403/404   302/404         403/404  302/404         302
change:item_delete           GET    /change/scope-items/{scope_item}/delete/ 200/200 403/403 403/404 200/404     403/404  200/404         302
change:item_delete           POST   /change/scope-items/{scope_item}/delete/ 302/302 403/403 403/404 302/404     403/404  302/404         302
change:request_list          GET    /change/                             200      200     200         200             200      200             302
change:program               GET    /change/programs/{program}/          200/200  200/200 200/404     200/404         200/404  200/404         302
change:change_log            GET    /change/programs/{program}/log/      200/200  200/200 200/404     200/404         200/404  200/404         302
change:request_create        GET    /change/programs/{program}/new/      200/200  403/403 200/404     200/404         403/404  200/404         302
change:request_create        POST   /change/programs/{program}/new/      302/302  403/403 302/404     302/404         403/404  302/404         302
change:request_detail        GET    /change/requests/{change_request}/   200/200  200/200 200/404     200/404         200/404  200/404         302
change:request_edit          GET    /change/requests/{change_request}/edit/ 200/200 403/403 200/404   200/404         403/404  403/404         302
change:request_edit          POST   /change/requests/{change_request}/edit/ 302/302 403/403 302/404   302/404         403/404  403/404         302
change:request_submit        POST   /change/requests/{change_request}/submit/ 302/302 403/403 302/404 302/404       403/404  403/404         302
change:request_assess        POST   /change/requests/{cr_submitted}/assess/ 302/302 403/403 302/404   302/404         403/404  302/404         302
change:request_decide        POST   /change/requests/{cr_assessed}/decide/ 302/302 403/403 403/404    302/404         403/404  403/404         302
change:request_implement     POST   /change/requests/{cr_approved}/implement/ 302/302 403/403 403/404 302/404       403/404  403/404         302
api:list_stakeholders       GET    /api/v1/stakeholders                 200      200     200         200             200      200             401
api:create_stakeholder      POST   /api/v1/stakeholders                 201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_stakeholder         GET    /api/v1/stakeholders/{stakeholder}   200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_stakeholder      PATCH  /api/v1/stakeholders/{stakeholder}   200/200  403/403 200/404     200/404         403/404  403/404         401
api:delete_stakeholder      DELETE /api/v1/stakeholders/{stakeholder}   204/204  403/403 204/404     204/404         403/404  403/404         401
api:list_stakeholder_groups GET    /api/v1/stakeholder-groups           200      200     200         200             200      200             401
api:create_stakeholder_group POST  /api/v1/stakeholder-groups           201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_stakeholder_group   GET    /api/v1/stakeholder-groups/{sh_group} 200/200 200/200 200/404     200/404         200/404  200/404         401
api:update_stakeholder_group PATCH /api/v1/stakeholder-groups/{sh_group} 200/200 403/403 200/404     200/404         403/404  403/404         401
api:delete_stakeholder_group DELETE /api/v1/stakeholder-groups/{sh_group} 204/204 403/403 204/404    204/404         403/404  403/404         401
api:list_engagement_assessments GET /api/v1/engagement-assessments      200      200     200         200             200      200             401
api:create_engagement_assessment POST /api/v1/engagement-assessments    201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_engagement_assessment GET  /api/v1/engagement-assessments/{sh_assessment} 200/200 200/200 200/404 200/404  200/404  200/404         401
api:update_engagement_assessment PATCH /api/v1/engagement-assessments/{sh_assessment} 200/200 403/403 200/404 200/404 403/404 403/404    401
api:delete_engagement_assessment DELETE /api/v1/engagement-assessments/{sh_assessment} 204/204 403/403 204/404 204/404 403/404 403/404   401
api:list_engagement_actions GET    /api/v1/engagement-actions           200      200     200         200             200      200             401
api:create_engagement_action POST  /api/v1/engagement-actions           201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_engagement_action   GET    /api/v1/engagement-actions/{sh_action} 200/200 200/200 200/404    200/404         200/404  200/404         401
api:update_engagement_action PATCH /api/v1/engagement-actions/{sh_action} 200/200 403/403 200/404    200/404         403/404  403/404         401
api:delete_engagement_action DELETE /api/v1/engagement-actions/{sh_action} 204/204 403/403 204/404   204/404         403/404  403/404         401
api:power_interest_grid     GET    /api/v1/programs/{program}/power-interest-grid 200/200 200/200 200/404 200/404    200/404  200/404         401
api:engagement_gap          GET    /api/v1/programs/{program}/engagement-gap 200/200 200/200 200/404 200/404         200/404  200/404         401
api:get_raci                GET    /api/v1/projects/{project}/raci      200/200  200/200 200/404     200/404         200/404  200/404         401
api:set_raci                PUT    /api/v1/projects/{project}/raci      200/200  403/403 200/404     200/404         403/404  200/404         401
notifications:inbox          GET    /notifications/                      200      200     200         200             200      200             302
notifications:bell           GET    /notifications/bell/                 200      200     200         200             200      200             302
notifications:read_all       POST   /notifications/read-all/             302      302     302         302             302      302             302
notifications:preferences    GET    /notifications/preferences/          200      200     200         200             200      200             302
notifications:preferences    POST   /notifications/preferences/          302      302     302         302             302      302             302
notifications:feed           GET    /notifications/calendar/             200      200     200         200             200      200             302
notifications:feed           POST   /notifications/calendar/             200      200     200         200             200      200             302
notifications:feed_revoke    POST   /notifications/calendar/revoke/      302      302     302         302             302      302             302
notifications:ical           GET    /notifications/calendar/{feed_key}.ics 200/404 200/404 200/404   200/404         200/404  200/404         200/404
notifications:log            GET    /notifications/log/                  200      403     200         403             403      403             302
notifications:log_detail     GET    /notifications/log/{delivery}/       200/200  403/403 200/404     403/403         403/403  403/403         302
notifications:detail         GET    /notifications/{notification}/       200/404  200/404 200/404     200/404         200/404  200/404         302
notifications:read           POST   /notifications/{notification}/read/  302/404  302/404 302/404     302/404         302/404  302/404         302
api:list_notifications      GET    /api/v1/notifications                200      200     200         200             200      200             401
api:read_all_notifications  POST   /api/v1/notifications/read-all       200      200     200         200             200      200             401
api:get_notification        GET    /api/v1/notifications/{notification} 200/404  200/404 200/404     200/404         200/404  200/404         401
api:read_notification       POST   /api/v1/notifications/{notification}/read 200/404 200/404 200/404 200/404        200/404  200/404         401
api:list_notification_preferences GET /api/v1/notification-preferences  200      200     200         200             200      200             401
api:set_notification_preferences PATCH /api/v1/notification-preferences 200      200     200         200             200      200             401
api:list_deliveries         GET    /api/v1/communication-log            200      403     200         403             403      403             401
api:get_delivery            GET    /api/v1/communication-log/{delivery} 200/200  403/403 200/404     403/403         403/403  403/403         401
api:create_ical_feed        POST   /api/v1/me/ical-feed                 201      201     201         201             201      201             401
api:revoke_ical_feed        DELETE /api/v1/me/ical-feed                 200      200     200         200             200      200             401
communications:home          GET    /communications/                     200      200     200         200             200      200             302
communications:meeting_list  GET    /communications/meetings/            200      200     200         200             200      200             302
communications:program_meetings GET /communications/programs/{program}/meetings/ 200/200 200/200 200/404 200/404    200/404  200/404         302
communications:meeting_create GET   /communications/programs/{program}/meetings/new/ 200/200 403/403 200/404 200/404 403/404  403/404         302
communications:meeting_create POST  /communications/programs/{program}/meetings/new/ 302/302 403/403 302/404 302/404 403/404  403/404         302
communications:project_meeting_create GET /communications/projects/{project}/meetings/new/ 200/200 403/403 200/404 200/404 403/404 200/404 302
communications:project_meeting_create POST /communications/projects/{project}/meetings/new/ 302/302 403/403 302/404 302/404 403/404 302/404 302
communications:meeting_detail GET   /communications/meetings/{cm_meeting}/ 200/200 200/200 200/404   200/404         200/404  200/404         302
communications:meeting_edit  GET    /communications/meetings/{cm_meeting}/edit/ 200/200 403/403 200/404 200/404      403/404  403/404         302
communications:meeting_edit  POST   /communications/meetings/{cm_meeting}/edit/ 302/302 403/403 302/404 302/404      403/404  403/404         302
communications:meeting_delete POST  /communications/meetings/{cm_meeting}/delete/ 302/302 403/403 302/404 302/404    403/404  403/404         302
communications:meeting_invitation GET /communications/meetings/{cm_meeting}/invitation.ics 200/200 200/200 200/404 200/404 200/404 200/404   302
communications:attendee_add  POST   /communications/meetings/{cm_meeting}/attendees/ 302/302 403/403 302/404 302/404 403/404  403/404         302
communications:attendee_remove POST /communications/attendees/{cm_attendee}/remove/ 302/302 403/403 302/404 302/404  403/404  403/404         302
communications:agenda_item_create GET /communications/meetings/{cm_meeting}/agenda/new/ 200/200 403/403 200/404 200/404 403/404 403/404     302
communications:agenda_item_create POST /communications/meetings/{cm_meeting}/agenda/new/ 302/302 403/403 302/404 302/404 403/404 403/404    302
communications:agenda_item_edit GET /communications/agenda/{cm_agenda}/edit/ 200/200 403/403 200/404   200/404         403/404  403/404         302
communications:agenda_item_edit POST /communications/agenda/{cm_agenda}/edit/ 302/302 403/403 302/404  302/404         403/404  403/404         302
communications:agenda_item_delete POST /communications/agenda/{cm_agenda}/delete/ 302/302 403/403 302/404 302/404   403/404  403/404         302
communications:action_create GET    /communications/meetings/{cm_meeting}/actions/new/ 200/200 403/403 200/404 200/404 403/404 403/404       302
communications:action_create POST   /communications/meetings/{cm_meeting}/actions/new/ 302/302 403/403 302/404 302/404 403/404 403/404       302
communications:action_detail GET    /communications/actions/{cm_action}/ 200/200 200/200 200/404     200/404         200/404  200/404         302
communications:action_edit   GET    /communications/actions/{cm_action}/edit/ 200/200 403/403 200/404 200/404        403/404  403/404         302
communications:action_edit   POST   /communications/actions/{cm_action}/edit/ 302/302 403/403 302/404 302/404        403/404  403/404         302
communications:program_plan  GET    /communications/programs/{program}/plan/ 200/200 200/200 200/404 200/404         200/404  200/404         302
communications:communication_create GET /communications/programs/{program}/plan/new/ 200/200 403/403 200/404 200/404 403/404  403/404         302
communications:communication_create POST /communications/programs/{program}/plan/new/ 302/302 403/403 302/404 302/404 403/404 403/404        302
communications:communication_detail GET /communications/plan/{cm_plan}/ 200/200 200/200 200/404     200/404         200/404  200/404         302
communications:communication_edit GET /communications/plan/{cm_plan}/edit/ 200/200 403/403 200/404   200/404         403/404  403/404         302
communications:communication_edit POST /communications/plan/{cm_plan}/edit/ 302/302 403/403 302/404  302/404         403/404  403/404         302
communications:communication_delete POST /communications/plan/{cm_plan}/delete/ 302/302 403/403 302/404 302/404     403/404  403/404         302
communications:communication_send POST /communications/plan/{cm_plan}/send/ 302/302 403/403 302/404  302/404         403/404  403/404         302
communications:audience_add  POST   /communications/plan/{cm_plan}/audiences/ 302/302 403/403 302/404 302/404        403/404  403/404         302
communications:audience_remove POST /communications/audiences/{cm_audience}/remove/ 302/302 403/403 302/404 302/404  403/404  403/404         302
api:list_meetings           GET    /api/v1/meetings                     200      200     200         200             200      200             401
api:create_meeting          POST   /api/v1/meetings                     201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_meeting             GET    /api/v1/meetings/{cm_meeting}        200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_meeting          PATCH  /api/v1/meetings/{cm_meeting}        200/200  403/403 200/404     200/404         403/404  403/404         401
api:delete_meeting          DELETE /api/v1/meetings/{cm_meeting}        204/204  403/403 204/404     204/404         403/404  403/404         401
api:meeting_occurrences     GET    /api/v1/meetings/{cm_meeting}/occurrences 200/200 200/200 200/404 200/404         200/404  200/404         401
api:meeting_invitation      GET    /api/v1/meetings/{cm_meeting}/invitation 200/200 200/200 200/404  200/404         200/404  200/404         401
api:list_meeting_attendees  GET    /api/v1/meeting-attendees            200      200     200         200             200      200             401
api:add_meeting_attendee    POST   /api/v1/meetings/{cm_meeting}/attendees 201/201 403/403 201/404   201/404         403/404  403/404         401
api:remove_meeting_attendee DELETE /api/v1/meeting-attendees/{cm_attendee} 204/204 403/403 204/404   204/404         403/404  403/404         401
api:list_agenda_items       GET    /api/v1/agenda-items                 200      200     200         200             200      200             401
api:create_agenda_item      POST   /api/v1/agenda-items                 201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_agenda_item         GET    /api/v1/agenda-items/{cm_agenda}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_agenda_item      PATCH  /api/v1/agenda-items/{cm_agenda}     200/200  403/403 200/404     200/404         403/404  403/404         401
api:delete_agenda_item      DELETE /api/v1/agenda-items/{cm_agenda}     204/204  403/403 204/404     204/404         403/404  403/404         401
api:list_meeting_actions    GET    /api/v1/meeting-actions              200      200     200         200             200      200             401
api:create_meeting_action   POST   /api/v1/meeting-actions              201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_meeting_action      GET    /api/v1/meeting-actions/{cm_action}  200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_meeting_action   PATCH  /api/v1/meeting-actions/{cm_action}  200/200  403/403 200/404     200/404         403/404  403/404         401
api:delete_meeting_action   DELETE /api/v1/meeting-actions/{cm_action}  204/204  403/403 204/404     204/404         403/404  403/404         401
api:list_communications     GET    /api/v1/communications               200      200     200         200             200      200             401
api:create_communication    POST   /api/v1/communications               201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_communication       GET    /api/v1/communications/{cm_plan}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_communication    PATCH  /api/v1/communications/{cm_plan}     200/200  403/403 200/404     200/404         403/404  403/404         401
api:delete_communication    DELETE /api/v1/communications/{cm_plan}     204/204  403/403 204/404     204/404         403/404  403/404         401
api:send_communication      POST   /api/v1/communications/{cm_plan}/send 200/200 403/403 200/404     200/404         403/404  403/404         401
api:list_communication_audiences GET /api/v1/communication-audiences    200      200     200         200             200      200             401
api:add_communication_audience POST /api/v1/communications/{cm_plan}/audiences 201/201 403/403 201/404 201/404      403/404  403/404         401
api:remove_communication_audience DELETE /api/v1/communication-audiences/{cm_audience} 204/204 403/403 204/404 204/404 403/404 403/404     401
api:list_change_requests     GET    /api/v1/change-requests              200      200     200         200             200      200             401
api:create_change_request    POST   /api/v1/change-requests              201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_change_request       GET    /api/v1/change-requests/{change_request} 200/200 200/200 200/404  200/404         200/404  200/404         401
api:update_change_request    PATCH  /api/v1/change-requests/{change_request} 200/200 403/403 200/404  200/404         403/404  403/404         401
api:submit_change_request    POST   /api/v1/change-requests/{change_request}/submit 200/200 403/403 200/404 200/404 403/404  403/404         401
api:assess_change_request    POST   /api/v1/change-requests/{cr_submitted}/assess 200/200 403/403 200/404 200/404   403/404  200/404         401
api:decide_change_request    POST   /api/v1/change-requests/{cr_assessed}/decide 200/200 403/403 403/404 200/404    403/404  403/404         401
api:implement_change_request POST   /api/v1/change-requests/{cr_approved}/implement 200/200 403/403 403/404 200/404 403/404  403/404         401
api:list_deliverables        GET    /api/v1/deliverables                 200      200     200         200             200      200             401
api:get_deliverable          GET    /api/v1/deliverables/{deliverable}   200/200  200/200 200/404     200/404         200/404  200/404         401
api:accept_deliverable       POST   /api/v1/deliverables/{deliverable}/accept 200/200 403/403 403/404 200/404       403/404  403/404         401
api:reject_deliverable       POST   /api/v1/deliverables/{deliverable}/reject 200/200 403/403 403/404 200/404       403/404  403/404         401
api:list_scope_items         GET    /api/v1/scope-items                  200      200     200         200             200      200             401
api:create_deliverable       POST   /api/v1/deliverables                 201/201  403/403 403/422     201/422         403/422  201/422         401
api:update_deliverable       PATCH  /api/v1/deliverables/{deliverable}   200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_deliverable       DELETE /api/v1/deliverables/{dl_spare}      204/204  403/403 403/404     204/404         403/404  204/404         401
api:create_scope_item        POST   /api/v1/scope-items                  201/201  403/403 403/422     201/422         403/422  201/422         401
api:get_scope_item           GET    /api/v1/scope-items/{scope_item}     200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_scope_item        PATCH  /api/v1/scope-items/{scope_item}     200/200  403/403 403/404     200/404         403/404  200/404         401
api:delete_scope_item        DELETE /api/v1/scope-items/{scope_item}     204/204  403/403 403/404     204/404         403/404  204/404         401
quality:index               GET    /quality/                            200      200     200         200             200      200             302
quality:program             GET    /quality/programs/{program}/         200/200  200/200 200/404     200/404         200/404  200/404         302
quality:plan_create         GET    /quality/programs/{program}/plan/new/ 200/200  403/403 200/404     200/404         403/404  403/404         302
quality:plan_create         POST   /quality/programs/{program}/plan/new/ 302/302  403/403 302/404     302/404         403/404  403/404         302
quality:project_plan_create GET    /quality/projects/{project}/plan/new/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:project_plan_create POST   /quality/projects/{project}/plan/new/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:plan_detail         GET    /quality/plans/{qplan}/              200/200  200/200 200/404     200/404         200/404  200/404         302
quality:plan_edit           GET    /quality/plans/{qplan}/edit/         200/200  403/403 200/404     200/404         403/404  200/404         302
quality:plan_edit           POST   /quality/plans/{qplan}/edit/         302/302  403/403 302/404     302/404         403/404  302/404         302
quality:role_create         GET    /quality/plans/{qplan}/roles/new/    200/200  403/403 200/404     200/404         403/404  200/404         302
quality:role_create         POST   /quality/plans/{qplan}/roles/new/    302/302  403/403 302/404     302/404         403/404  302/404         302
quality:criterion_create    GET    /quality/plans/{qplan}/criteria/new/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:criterion_create    POST   /quality/plans/{qplan}/criteria/new/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:review_create       GET    /quality/plans/{qplan}/reviews/new/  200/200  403/403 200/404     200/404         403/404  200/404         302
quality:review_create       POST   /quality/plans/{qplan}/reviews/new/  302/302  403/403 302/404     302/404         403/404  302/404         302
quality:nc_create           GET    /quality/plans/{qplan}/nonconformances/new/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:nc_create           POST   /quality/plans/{qplan}/nonconformances/new/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:role_delete         POST   /quality/roles/{qrole}/delete/       302/302  403/403 302/404     302/404         403/404  302/404         302
quality:criterion_detail    GET    /quality/criteria/{qcriterion}/      200/200  200/200 200/404     200/404         200/404  200/404         302
quality:criterion_edit      GET    /quality/criteria/{qcriterion}/edit/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:criterion_edit      POST   /quality/criteria/{qcriterion}/edit/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:review_detail       GET    /quality/reviews/{qreview}/          200/200  200/200 200/404     200/404         200/404  200/404         302
quality:review_edit         GET    /quality/reviews/{qreview}/edit/     200/200  403/403 200/404     200/404         403/404  200/404         302
quality:review_edit         POST   /quality/reviews/{qreview}/edit/     302/302  403/403 302/404     302/404         403/404  302/404         302
quality:review_results      GET    /quality/reviews/{qreview}/results/  200/200  403/403 200/404     200/404         403/404  200/404         302
quality:review_results      POST   /quality/reviews/{qreview}/results/  302/302  403/403 302/404     302/404         403/404  302/404         302
quality:nc_detail           GET    /quality/nonconformances/{qnc}/      200/200  200/200 200/404     200/404         200/404  200/404         302
quality:nc_edit             GET    /quality/nonconformances/{qnc}/edit/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:nc_edit             POST   /quality/nonconformances/{qnc}/edit/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:nc_transition       POST   /quality/nonconformances/{qnc}/status/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:action_create       GET    /quality/nonconformances/{qnc}/actions/new/ 200/200  403/403 200/404     200/404         403/404  200/404         302
quality:action_create       POST   /quality/nonconformances/{qnc}/actions/new/ 302/302  403/403 302/404     302/404         403/404  302/404         302
quality:action_detail       GET    /quality/actions/{qaction}/          200/200  200/200 200/404     200/404         200/404  200/404         302
quality:action_edit         GET    /quality/actions/{qaction}/edit/     200/200  403/403 200/404     200/404         403/404  200/404         302
quality:action_edit         POST   /quality/actions/{qaction}/edit/     302/302  403/403 302/404     302/404         403/404  302/404         302
api:list_quality_plans      GET    /api/v1/quality-plans                200      200     200         200             200      200             401
api:create_quality_plan     POST   /api/v1/quality-plans                201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_quality_plan        GET    /api/v1/quality-plans/{qplan}        200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_quality_plan     PATCH  /api/v1/quality-plans/{qplan}        200/200  403/403 200/404     200/404         403/404  200/404         401
api:create_quality_role     POST   /api/v1/quality-roles                201/201  403/403 201/422     201/422         403/422  201/422         401
api:delete_quality_role     DELETE /api/v1/quality-roles/{qrole}        204/204  403/403 204/404     204/404         403/404  204/404         401
api:list_quality_criteria   GET    /api/v1/quality-criteria             200      200     200         200             200      200             401
api:create_quality_criterion POST   /api/v1/quality-criteria             201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_quality_criterion   GET    /api/v1/quality-criteria/{qcriterion} 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_quality_criterion PATCH  /api/v1/quality-criteria/{qcriterion} 200/200  403/403 200/404     200/404         403/404  200/404         401
api:delete_quality_criterion DELETE /api/v1/quality-criteria/{qcriterion} 204/204  403/403 204/404     204/404         403/404  204/404         401
api:list_quality_reviews    GET    /api/v1/quality-reviews              200      200     200         200             200      200             401
api:create_quality_review   POST   /api/v1/quality-reviews              201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_quality_review      GET    /api/v1/quality-reviews/{qreview}    200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_quality_review   PATCH  /api/v1/quality-reviews/{qreview}    200/200  403/403 200/404     200/404         403/404  200/404         401
api:record_quality_review   POST   /api/v1/quality-reviews/{qreview}/results 200/200  403/403 200/404     200/404         403/404  200/404         401
api:list_nonconformances    GET    /api/v1/nonconformances              200      200     200         200             200      200             401
api:create_nonconformance   POST   /api/v1/nonconformances              201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_nonconformance      GET    /api/v1/nonconformances/{qnc}        200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_nonconformance   PATCH  /api/v1/nonconformances/{qnc}        200/200  403/403 200/404     200/404         403/404  200/404         401
api:transition_nonconformance POST   /api/v1/nonconformances/{qnc}/transition 200/200  403/403 200/404     200/404         403/404  200/404         401
api:list_corrective_actions GET    /api/v1/corrective-actions           200      200     200         200             200      200             401
api:create_corrective_action POST   /api/v1/corrective-actions           201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_corrective_action   GET    /api/v1/corrective-actions/{qaction} 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_corrective_action PATCH  /api/v1/corrective-actions/{qaction} 200/200  403/403 200/404     200/404         403/404  200/404         401
api:program_quality         GET    /api/v1/programs/{program}/quality   200/200  200/200 200/404     200/404         200/404  200/404         401
api:project_quality         GET    /api/v1/projects/{project}/quality   200/200  200/200 200/404     200/404         200/404  200/404         401
quality:deliverable         GET    /quality/deliverables/{qdeliverable}/ 200/200  200/200 200/404     200/404         200/404  200/404         302
quality:decide              GET    /quality/deliverables/{qdeliverable}/decide/ 200/200  403/403 403/404     200/404         403/404  403/404         302
quality:decide              POST   /quality/deliverables/{qdeliverable}/decide/ 302/302  403/403 403/404     302/404         403/404  403/404         302
quality:acceptance_detail   GET    /quality/acceptances/{qacceptance}/  200/200  200/200 200/404     200/404         200/404  200/404         302
api:list_acceptances        GET    /api/v1/acceptances                  200      200     200         200             200      200             401
api:create_acceptance       POST   /api/v1/acceptances                  201/201  403/403 403/422     201/422         403/422  403/422         401
api:get_acceptance          GET    /api/v1/acceptances/{qacceptance}    200/200  200/200 200/404     200/404         200/404  200/404         401
governance:index             GET    /governance/                         200      200     200         200             200      200             302
governance:program           GET    /governance/programs/{program}/      200/200  200/200 200/404     200/404         200/404  200/404         302
governance:lifecycle_apply   POST   /governance/programs/{program}/lifecycle/ 302/302 403/403 302/404 302/404         403/404  403/404         302
governance:settings_update   POST   /governance/programs/{program}/settings/ 302/302 403/403 302/404  302/404         403/404  403/404         302
governance:gate_detail       GET    /governance/gates/{gate}/            200/200  200/200 200/404     200/404         200/404  200/404         302
governance:review_create     GET    /governance/gates/{open_gate}/reviews/new/ 200/200 403/403 200/404 200/404       403/404  403/404         302
governance:review_create     POST   /governance/gates/{open_gate}/reviews/new/ 302/302 403/403 302/404 302/404       403/404  403/404         302
governance:criterion_edit    GET    /governance/criteria/{criterion}/edit/ 200/200 403/403 200/404    200/404         403/404  403/404         302
governance:criterion_edit    POST   /governance/criteria/{criterion}/edit/ 302/302 403/403 302/404    302/404         403/404  403/404         302
governance:review_detail     GET    /governance/reviews/{review}/        200/200  200/200 200/404     200/404         200/404  200/404         302
governance:review_decide     GET    /governance/reviews/{review}/decide/ 403/403  403/403 403/404     403/404         200/404  403/404         302
governance:review_decide     POST   /governance/reviews/{review}/decide/ 403/403  403/403 403/404     403/404         302/404  403/404         302
governance:budget_change_decide GET /governance/budget-changes/{budget_change}/decide/ 403/403 403/403 403/404 403/404 200/404 403/404     302
governance:budget_change_decide POST /governance/budget-changes/{budget_change}/decide/ 403/403 403/403 403/404 403/404 302/404 403/404    302
governance:decisions         GET    /governance/decisions/               200      200     200         200             200      200             302
governance:decision_detail   GET    /governance/decisions/{decision}/    200/200  200/200 200/404     200/404         200/404  200/404         302
governance:history           GET    /governance/history/portfolio.program/{program}/ 200/200 200/200 200/404 200/404 200/404 200/404         302
governance:audit             GET    /governance/audit/                   200      403     403         403             403      403             302
governance:audit             POST   /governance/audit/                   302      403     403         403             403      403             302
api:list_gates               GET    /api/v1/gates                        200      200     200         200             200      200             401
api:get_gate                 GET    /api/v1/gates/{gate}                 200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_gate              PATCH  /api/v1/gates/{gate}                 200/200  403/403 200/404     200/404         403/404  403/404         401
api:apply_lifecycle          POST   /api/v1/programs/{program}/lifecycle 201/201  403/403 201/404     201/404         403/404  403/404         401
api:create_gate_criterion    POST   /api/v1/gate-criteria                201/201  403/403 201/422     201/422         403/422  403/422         401
api:get_gate_criterion       GET    /api/v1/gate-criteria/{criterion}    200/200  200/200 200/404     200/404         200/404  200/404         401
api:update_gate_criterion    PATCH  /api/v1/gate-criteria/{criterion}    200/200  403/403 200/404     200/404         403/404  403/404         401
api:list_gate_reviews        GET    /api/v1/gate-reviews                 200      200     200         200             200      200             401
api:create_gate_review       POST   /api/v1/gates/{open_gate}/reviews    201/201  403/403 201/404     201/404         403/404  403/404         401
api:get_gate_review          GET    /api/v1/gate-reviews/{review}        200/200  200/200 200/404     200/404         200/404  200/404         401
api:decide_gate_review       POST   /api/v1/gate-reviews/{review}/decision 403/403 403/403 403/404    403/404         200/404  403/404         401
api:list_awaiting_decisions  GET    /api/v1/steering/awaiting            200      200     200         200             200      200             401
api:list_decisions           GET    /api/v1/decisions                    200      200     200         200             200      200             401
api:get_decision             GET    /api/v1/decisions/{decision}         200/200  200/200 200/404     200/404         200/404  200/404         401
api:decide_budget_change     POST   /api/v1/budget-changes/{budget_change}/decision 403/403 403/403 403/404 403/404 200/404 403/404         401
api:object_history           GET    /api/v1/history/portfolio.program/{program} 200/200 200/200 200/404 200/404     200/404  200/404         401
governance:meetings          GET    /governance/meetings/                200      200     200         200             200      200             302
governance:meeting           GET    /governance/meetings/{steering_meeting}/ 200/200 200/200 200/404  200/404         200/404  200/404         302
governance:meeting_agenda    POST   /governance/meetings/{steering_meeting}/agenda/ 302/302 403/403 302/404 302/404   403/404  403/404         302
governance:decision_create   GET    /governance/meetings/{steering_meeting}/decisions/new/ 403/403 403/403 403/404 403/404 200/404 403/404    302
governance:decision_create   POST   /governance/meetings/{steering_meeting}/decisions/new/ 403/403 403/403 403/404 403/404 302/404 403/404   302
governance:actions           GET    /governance/actions/                 200      200     200         200             200      200             302
api:build_steering_agenda    POST   /api/v1/meetings/{steering_meeting}/steering-agenda 200/200 403/403 200/404 200/404 403/404 403/404     401
api:create_decision          POST   /api/v1/decisions                    403/403  403/403 403/422     403/422         201/422  403/422         401
api:list_steering_actions    GET    /api/v1/steering-actions             200      200     200         200             200      200             401
closure:index                GET    /closure/                            200      200     200         200             200      200             302
closure:project              GET    /closure/projects/{project}/         200/200  200/200 200/404     200/404         200/404  200/404         302
closure:project_mark         GET    /closure/projects/{project}/items/signoff/ 200/200 403/403 403/404 200/404       403/404  403/404         302
closure:project_mark         POST   /closure/projects/{project}/items/signoff/ 302/302 403/403 403/404 302/404       403/404  403/404         302
closure:project_clear        POST   /closure/projects/{project}/items/signoff/clear/ 302/302 403/403 403/404 302/404 403/404  403/404         302
closure:project_archive      GET    /closure/projects/{project}/archive/ 200/200  403/403 403/404     403/404         403/404  403/404         302
closure:project_archive      POST   /closure/projects/{project}/archive/ 422/422  403/403 403/404     403/404         403/404  403/404         302
closure:project_unarchive    GET    /closure/projects/{project}/unarchive/ 200/200 403/403 403/404    403/404         403/404  403/404         302
closure:project_unarchive    POST   /closure/projects/{project}/unarchive/ 422/422 403/403 403/404    403/404         403/404  403/404         302
closure:project_report       GET    /closure/projects/{project}/report/  200/200  200/200 200/404     200/404         200/404  200/404         302
closure:project_report_xlsx  GET    /closure/projects/{project}/report.xlsx 200/200 200/200 200/404   200/404         200/404  200/404         302
closure:program              GET    /closure/programs/{program}/         200/200  200/200 200/404     200/404         200/404  200/404         302
closure:program_mark         GET    /closure/programs/{program}/items/signoff/ 200/200 403/403 403/404 200/404       403/404  403/404         302
closure:program_mark         POST   /closure/programs/{program}/items/signoff/ 302/302 403/403 403/404 302/404       403/404  403/404         302
closure:program_clear        POST   /closure/programs/{program}/items/signoff/clear/ 302/302 403/403 403/404 302/404 403/404  403/404         302
closure:program_archive      GET    /closure/programs/{program}/archive/ 200/200  403/403 403/404     403/404         403/404  403/404         302
closure:program_archive      POST   /closure/programs/{program}/archive/ 422/422  403/403 403/404     403/404         403/404  403/404         302
closure:program_unarchive    GET    /closure/programs/{program}/unarchive/ 200/200 403/403 403/404    403/404         403/404  403/404         302
closure:program_unarchive    POST   /closure/programs/{program}/unarchive/ 422/422 403/403 403/404    403/404         403/404  403/404         302
closure:program_report       GET    /closure/programs/{program}/report/  200/200  200/200 200/404     200/404         200/404  200/404         302
closure:program_report_xlsx  GET    /closure/programs/{program}/report.xlsx 200/200 200/200 200/404   200/404         200/404  200/404         302
closure:lessons              GET    /closure/lessons/                    200      200     200         200             200      200             302
closure:lessons_export       GET    /closure/lessons/export/             200      200     200         200             200      200             302
closure:lesson_create        GET    /closure/lessons/new/                200      403     200         200             403      200             302
closure:lesson_create        POST   /closure/lessons/new/                302/302  403/403 302/422     302/422         403/403  302/422         302
closure:lesson_detail        GET    /closure/lessons/{lesson}/           200/200  200/200 200/200     200/200         200/200  200/200         302
closure:lesson_edit          GET    /closure/lessons/{lesson}/edit/      200/200  403/403 200/403     200/403         403/403  200/403         302
closure:lesson_edit          POST   /closure/lessons/{lesson}/edit/      302/302  403/403 302/403     302/403         403/403  302/403         302
closure:lesson_delete        POST   /closure/lessons/{lesson}/delete/    302/302  403/403 302/403     302/403         403/403  302/403         302
closure:adoption_create      GET    /closure/lessons/{ll_adopt}/adopt/   200/200  403/403 200/200     200/200         403/403  200/200         302
closure:adoption_create      POST   /closure/lessons/{ll_adopt}/adopt/   302/302  403/403 302/422     302/422         403/403  302/422         302
closure:adoption_edit        GET    /closure/adoptions/{ll_adoption}/edit/ 200/200 403/403 200/403    200/403         403/403  200/403         302
closure:adoption_edit        POST   /closure/adoptions/{ll_adoption}/edit/ 302/302 403/403 302/403    302/403         403/403  302/403         302
closure:adoption_delete      POST   /closure/adoptions/{ll_adoption}/delete/ 302/302 403/403 302/403  302/403         403/403  302/403         302
api:get_project_closure      GET    /api/v1/closure/projects/{project}   200/200  200/200 200/404     200/404         200/404  200/404         401
api:get_program_closure      GET    /api/v1/closure/programs/{program}   200/200  200/200 200/404     200/404         200/404  200/404         401
api:mark_project_item        PUT    /api/v1/closure/projects/{project}/items/signoff 200/200 403/403 403/404 200/404 403/404  403/404         401
api:mark_program_item        PUT    /api/v1/closure/programs/{program}/items/signoff 200/200 403/403 403/404 200/404 403/404  403/404         401
api:clear_project_item       DELETE /api/v1/closure/projects/{project}/items/signoff 204/204 403/403 403/404 204/404 403/404  403/404         401
api:clear_program_item       DELETE /api/v1/closure/programs/{program}/items/signoff 204/204 403/403 403/404 204/404 403/404  403/404         401
api:archive_project          POST   /api/v1/closure/projects/{project}/archive 422/422 403/403 403/404 403/404       403/404  403/404         401
api:archive_program          POST   /api/v1/closure/programs/{program}/archive 422/422 403/403 403/404 403/404       403/404  403/404         401
api:unarchive_project        POST   /api/v1/closure/projects/{project}/unarchive 422/422 403/403 403/404 403/404     403/404  403/404         401
api:unarchive_program        POST   /api/v1/closure/programs/{program}/unarchive 422/422 403/403 403/404 403/404     403/404  403/404         401
api:list_lessons             GET    /api/v1/lessons                      200      200     200         200             200      200             401
api:create_lesson            POST   /api/v1/lessons                      201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_lesson               GET    /api/v1/lessons/{lesson}             200/200  200/200 200/200     200/200         200/200  200/200         401
api:update_lesson            PATCH  /api/v1/lessons/{lesson}             200/200  403/403 200/403     200/403         403/403  200/403         401
api:delete_lesson            DELETE /api/v1/lessons/{lesson}             204/204  403/403 204/403     204/403         403/403  204/403         401
api:list_lesson_adoptions    GET    /api/v1/lesson-adoptions             200      200     200         200             200      200             401
api:create_lesson_adoption   POST   /api/v1/lesson-adoptions             201/201  403/403 201/422     201/422         403/422  201/422         401
api:get_lesson_adoption      GET    /api/v1/lesson-adoptions/{ll_adoption} 200/200 200/200 200/200    200/200         200/200  200/200         401
api:update_lesson_adoption   PATCH  /api/v1/lesson-adoptions/{ll_adoption} 200/200 403/403 200/403    200/403         403/403  200/403         401
api:delete_lesson_adoption   DELETE /api/v1/lesson-adoptions/{ll_adoption} 204/204 403/403 204/403    204/403         403/403  204/403         401
"""


def _parse(table: str):
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[3:] == ROLES
    cases = []
    for name, method, url, *cells in rows:
        for role, cell in zip(ROLES, cells, strict=True):
            own, _, other = cell.partition("/")
            cases.append((name, method, url, role, "own", int(own)))
            if other or "{" in url:
                cases.append((name, method, url, role, "other", int(other or own)))
    return cases


CASES = _parse(MATRIX)


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace
                                                                     else ""))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_route_is_in_the_matrix():
    from pmo.api import api

    in_table = {(name, method) for name, method, *_ in CASES}
    names = set(_url_names(get_resolver().url_patterns))
    missing = sorted(names - {name for name, _ in in_table})
    assert not missing, f"routes missing from the permission matrix: {missing}"
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for method in operation.methods:
                    key = (f"api:{operation.view_func.__name__}", method)
                    assert key in in_table, f"API operation {key} missing from the permission matrix"


def _request_data(world, name: str, method: str, scope: str, role: str):
    """The body a well-formed request of this route sends (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    project = world.own("project") if scope == "own" else world.other("project")
    if name == "login":
        return {}
    if name == "accounts:people":
        return {"form": "grant", "grant-user": world.users["analyst"].pk, "grant-role": "steering_committee",
                "grant-program": world.program_b.pk}
    if name == "portfolio:program_create":
        return {"code": "NEW", "name": "New program", "status": "proposed", "phase": "identify", "currency": "EUR",
                "schedule_tolerance_days": 10, "cost_tolerance_pct": "5"}
    if name == "portfolio:program_edit":
        return {"code": program.code, "name": program.name + " (renamed)", "status": program.status,
                "phase": program.phase, "currency": program.currency, "schedule_tolerance_days": 10,
                "cost_tolerance_pct": "5", "version": program.version}
    if name in {"portfolio:program_delete", "portfolio:project_delete"}:
        return {"version": (program if "program" in name else project).version}
    if name == "portfolio:project_create":
        return {"program": program.pk, "code": "NEW-1", "name": "New project", "status": "proposed",
                "phase": "identify"}
    if name == "portfolio:project_edit":
        return {"program": project.program_id, "code": project.code, "name": project.name + " (renamed)",
                "status": project.status, "phase": project.phase, "version": project.version,
                "project_manager": project.project_manager_id or ""}
    if name == "api:create_token":
        return {"username": role, "password": "correct horse battery"}
    if name == "api:create_program":
        return {"code": "NEW", "name": "New program"}
    if name == "api:create_project":
        return {"program": program.pk, "code": "NEW-1", "name": "New project"}
    if name in {"api:update_program", "api:update_project"}:
        return {"description": "changed through the API"}
    if benefits_matrix.is_benefits(name):
        return benefits_matrix.request_data(world, name, scope)
    if planning_matrix.is_planning(name):
        return planning_matrix.request_data(world, name, scope)
    if procurement_matrix.is_procurement(name):
        return procurement_matrix.request_data(world, name, scope)
    if documents_matrix.is_documents(name):
        return documents_matrix.request_data(world, name, scope)
    if raid_matrix.is_raid(name):
        return raid_matrix.request_data(world, name, scope)
    if finance_matrix.is_finance(name):
        return finance_matrix.request_data(world, name, scope)
    if resources_matrix.is_resources(name):
        return resources_matrix.request_data(world, name, scope)
    if stakeholders_matrix.is_stakeholders(name):
        return stakeholders_matrix.request_data(world, name, scope)
    if notifications_matrix.is_notifications(name):
        return notifications_matrix.request_data(world, name, scope)
    if change_matrix.is_change(name):
        return change_matrix.request_data(world, name, scope)
    if communications_matrix.is_communications(name):
        return communications_matrix.request_data(world, name, scope)
    if quality_matrix.is_quality(name):
        return quality_matrix.request_data(world, name, scope)
    if governance_matrix.is_governance(name):
        return governance_matrix.request_data(world, name, scope)
    if closure_matrix.is_closure(name):
        return closure_matrix.request_data(world, name, scope)
    return None


@pytest.mark.parametrize(("name", "method", "url", "role", "scope", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}-{c[4]}" for c in CASES])
def test_role_matrix(world, name, method, url, role, scope, expected):
    client = client_for(world, role)
    target = {"program": world.own("program") if scope == "own" else world.other("program"),
              "project": world.own("project") if scope == "own" else world.other("project")}
    token_owner = world.users[role] if role != "anonymous" else world.users["director"]
    if scope == "other":
        token_owner = world.users["analyst" if role == "director" else "director"]
    token, _key = api_token_create(actor=token_owner)
    planning = planning_matrix.targets(world, scope, name)
    membership = world.users["analyst"].memberships.first()
    path = url.format(program=target["program"].pk, project=target["project"].pk, token=token.pk, **raid_matrix.ids(world, scope, url),
                      **resources_matrix.ids(world, scope, url),
                      membership=membership.pk, **planning_matrix.url_ids(planning),
                      **finance_matrix.ids(world, scope, url), **procurement_matrix.ids(world, scope, url),
                      **benefits_matrix.ids(world, scope, url),
                      **documents_matrix.ids(world, scope, url), **stakeholders_matrix.ids(world, scope, url), **change_matrix.ids(world, scope, url),
                      **communications_matrix.ids(world, scope, url),
                      **quality_matrix.ids(world, scope, url), **notifications_matrix.ids(world, scope, url, role),
                      **governance_matrix.ids(world, scope, url),
                      **closure_matrix.ids(world, scope, url))
    data = _request_data(world, name, method, scope, role)
    headers = {}
    if method in {"PATCH", "DELETE"} and path.startswith("/api/"):
        obj = planning_matrix.versioned(name, planning) or (target["program"] if "program" in name
                                                            else target["project"])
        obj = (benefits_matrix.etag_object(world, scope, name) or raid_matrix.etag_object(world, scope, name) or finance_matrix.etag_object(world, scope, name)
               or procurement_matrix.etag_object(world, scope, name) or resources_matrix.etag_object(world, scope, name)
               or stakeholders_matrix.etag_object(world, scope, name) or change_matrix.etag_object(world, scope, name)
               or communications_matrix.etag_object(world, scope, name)
               or closure_matrix.etag_object(world, scope, name)
               or obj)
        obj = documents_matrix.etag_object(world, scope, name) or obj
        obj = quality_matrix.etag_object(world, scope, name) or obj
        obj = governance_matrix.etag_object(world, scope, name) or obj
        headers["HTTP_IF_MATCH"] = f'"{obj.version}"'
    elif method == "PUT" and stakeholders_matrix.is_stakeholders(name):
        headers["HTTP_IF_MATCH"] = f'"{stakeholders_matrix.etag_object(world, scope, name).version}"'
    elif method == "POST" and path.startswith("/api/") and procurement_matrix.is_action(name):
        headers["HTTP_IF_MATCH"] = f'"{procurement_matrix.etag_object(world, scope, name).version}"'
    elif method == "POST" and path.startswith("/api/") and quality_matrix.is_action(name):
        headers["HTTP_IF_MATCH"] = f'"{quality_matrix.etag_object(world, scope, name).version}"'
    if name in documents_matrix.MULTIPART:
        response = client.post(path, data, **headers)
    elif path.startswith("/api/"):
        response = client.generic(method, path, data=_json(data), content_type="application/json", **headers)
    elif method == "POST":
        response = client.post(path, data or {})
    else:
        response = client.get(path)
    assert response.status_code == expected, (
        f"{role} {method} {path} ({scope} scope): expected {expected}, got {response.status_code}: "
        f"{response.content[:300]!r}"
    )
    if name == "api:revoke_token" and expected == 204:
        assert not ApiToken.objects.get(pk=token.pk).is_active


def _json(data):
    import json

    return json.dumps(data) if data is not None else ""
