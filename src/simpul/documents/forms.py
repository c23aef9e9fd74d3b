from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20,
                           help_text=_("The code printed at the bottom of the letter, for example HW94PEEGV2."))


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("The PDF file you received"),
                           help_text=_("We compare it with the issued document and check its signature. "
                                       "The file is not kept."))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown on the verification page, for everyone."))


class ReissueForm(forms.Form):
    prefix = "reissue"  # beside the revoke form on one page: its fields need their own ids
    reason = forms.CharField(label=_("Why it is issued again"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: the name was corrected. Shown on the verification page of "
                                         "this document, which then points to the new one."))
    passphrase = forms.CharField(label=_("Your signing passphrase (BSrE)"), required=False, max_length=200,
                                 widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                                 help_text=_("Never stored."))
