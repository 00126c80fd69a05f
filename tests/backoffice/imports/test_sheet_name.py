import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.imports.models import ImportRun
from tests.backoffice.imports.samples import ods_bytes

pytestmark = pytest.mark.django_db


def test_a_workbook_whose_sheet_name_is_too_long_to_keep_is_refused_with_the_reason(
    manager_client
):
    # an .ods sheet name has no length limit; the run keeps 120 characters
    name = "Leads " + "x" * 200 + "<img src=x onerror=alert(1)>"
    content = ods_bytes({name: [["name", "phone"], ["Anu", "9876543210"]]})
    response = manager_client.post(reverse("admin:imports_importrun_add"),
                                   {"file": SimpleUploadedFile("l.ods", content)})
    text = response.content.decode()
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert "sheet has a name longer than 120 characters" in text
    assert "<img src=x" not in text
