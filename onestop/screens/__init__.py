"""What several audience apps share, one layer below them.

The audience apps (counter, desk, portal, oversight, api) do not import one another: what two
of them need lives here, and this package imports none of them.

    forms.VersionedForm                   an action form carrying the dossier version it was drawn from
    views.role_required, dossier_or_404   the staff screens' gates (403 for the role, 404 outside scope)
    views.perform_action                  validate, call the service, redraw the page on a domain error
    views.render_pdf_form, FORM_LABELS    the official forms (PDF) offered on a dossier page
    working_time.Calendars, remaining_hours
    dossier_page.dossier_context          what the counter's and the desk's dossier page show
    lookup                                the public status lookup of the portal and the API
Template: onestop/templates/screens/_dossier_facts.html (the facts part of the dossier page).
"""
