"""Facebook / Instagram Lead Ads: the CSV downloaded from Meta Business Suite
or Ads Manager (Instant Forms → Download), often saved as UTF-16 "Unicode
text" with tabs.

Columns: ``id, created_time, ad_id, ad_name, adset_id, adset_name,
campaign_id, campaign_name, form_id, form_name, is_organic, platform``, then
one column per form question (``full_name``, ``phone_number``, ``email``,
``city``, and the form's own questions, named as asked), then
``lead_status``. Numbers are written ``p:+919876543210`` and ids ``l:…``,
``ag:…``, ``as:…``, ``c:…``, ``f:…``. The campaign, ad and form columns and
the custom questions are kept as source details (no field takes them); so is
``lead_status`` (Meta's own lead stage, not ours).
"""

from backoffice.imports.plugins import Importer, cell_text, name_from


class FacebookLeadAdsImporter(Importer):
    identifier = "facebook_lead_ads"
    verbose_name = "Facebook / Instagram Lead Ads (CSV download)"
    description = (
        "Meta Lead Ads download: full_name (or first_name + last_name), phone_number "
        "(“p:” removed), email, city, country, created_time; campaign, ad, form and custom "
        "questions kept as source details."
    )
    aliases = {
        "name": ["full_name"],
        "first_name": ["first_name"],
        "last_name": ["last_name"],
        "phone": ["phone_number", "phone"],
        "email": ["email"],
        "area": ["city"],
        "country": ["country"],
        "date_added": ["created_time"],
    }
    signature = (
        "id", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name",
        "form_id", "form_name", "is_organic", "platform", "lead_status",
    )

    def map_row(self, values):
        name, name_parts = name_from(values.get("name"), [
            ("first_name", values.get("first_name")), ("last_name", values.get("last_name")),
        ])
        return {
            "name": name,
            "phone": _without_prefix(values.get("phone")),
            "alternate_phone": None,
            "email": values.get("email"),
            "area": values.get("area"),
            "date_added": values.get("date_added"),
            "remarks": None,
            "status": None,
            "country": values.get("country"),
            "details": name_parts,
        }


def _without_prefix(value) -> str:
    """``p:+919876543210`` -> ``+919876543210`` (Meta marks a number ``p:``
    so that a spreadsheet keeps it as text)."""
    number = cell_text(value)
    return number[2:].strip() if number[:2].lower() == "p:" else number
