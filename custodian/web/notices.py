"""Notices at collection on forms (Minn. Stat. § 13.04 subd. 2): a page shows the notice of its collection
point (`ui/notice.html`), its form carries which notice and version it showed (`NoticeShown`, a hidden field),
and the service records that version on the data's provenance. A form posted after the notice changed is
recorded under the version the person read, if the policy file still knows it (`earlier`); otherwise it is
refused, saying so, and the page shows the notice in force.

    form = MyForm(request.POST or None, notice=policy.notice_at("portal_request"))
    ... Submission(channel="portal", notice_key=form.notice.key,
                   notice_version=form.cleaned_data["notice_version"])
"""

from django import forms
from django.utils.translation import gettext

from custodian.policy.loader import Notice


class NoticeShown(forms.Form):
    """A form mixin: the hidden `notice_shown` field (`key:version`) and `cleaned_data["notice_version"]`."""

    notice_shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args, notice: Notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.fields["notice_shown"].initial = notice.shown

    def clean(self):
        data = super().clean()
        shown = data.get("notice_shown") or self.notice.shown
        key, _, version = shown.partition(":")
        if key != self.notice.key or (version != self.notice.version and version not in self.notice.earlier):
            # Said above the form: the field is hidden, so an error beside it would not be seen.
            self.add_error(
                None,
                gettext(
                    "The notice on this page changed while you filled in the form: read it, then send again."
                ),
            )
        else:
            data["notice_version"] = version
        return data
