"""The pages of the admin where staff fill in a form about requests: an action, a borrowing's step, the
answer to a peer's request to cancel. One context for all, so each has the admin's frame, its title, its
form and its way back to the request."""

from django.template.response import TemplateResponse

from nlk_portal.core.posted import posted_number


def shown_version(request, ill_request):
    """The version of the request the staff member's page showed (posted with the form, or in the link that
    opened it), else the request's own: a move is refused if the request changed since."""
    return (
        posted_number(request.POST.get("version"))
        or posted_number(request.GET.get("version"))
        or ill_request.version
    )


def form_page(request, model_admin, template, *, title, form, cancel_url, ill_request=None, **context):
    """The staff form page `template`, in the admin's frame. Given `ill_request`, the page is about that one
    request and carries the version of it the staff member saw."""
    if ill_request is not None:
        context.update(ill_request=ill_request, version=shown_version(request, ill_request))
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "form": form,
        "cancel_url": cancel_url,
        **context,
    })
