"""Where uploaded import files, problem-row reports and exports are kept.

A folder (``DATA_DIR/private``) by default: one machine, or a shared file system
mounted at ``DATA_DIR`` on every web and worker machine. With
``AWS_STORAGE_BUCKET_NAME`` set, an S3-compatible bucket (AWS S3, MinIO, Cloudflare
R2, …) through django-storages: private objects, links that expire, never a public
ACL. Credentials come from boto3's own chain (``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY``, an instance role, …), never from settings. The code reads
stored files through Django's storage API only (an import copies its file down to a
temporary file), so both work the same.
"""

from collections.abc import Mapping
from pathlib import Path

from backoffice.core.env import env_bool, env_int, env_str


def default_storage_config(data_dir: Path, environ: Mapping[str, str] | None = None) -> dict:
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", "", environ)
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(data_dir / "private")}}
    options = {
        "bucket_name": bucket,
        # a prefix of their own: the bucket may hold other things
        "location": env_str("AWS_LOCATION", "alims/private", environ),
        "default_acl": None,          # the bucket's own (private) policy, never public-read
        "querystring_auth": True,     # downloads through signed links
        "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300, environ),
        "file_overwrite": False,      # two uploads of "leads.xlsx" never replace each other
        "object_parameters": {"ServerSideEncryption": "AES256"}
        if env_bool("AWS_S3_SERVER_SIDE_ENCRYPTION", True, environ) else {},
    }
    for option, name in (("endpoint_url", "AWS_S3_ENDPOINT_URL"),
                         ("region_name", "AWS_S3_REGION_NAME")):
        value = env_str(name, "", environ)
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
