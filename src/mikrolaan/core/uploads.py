"""Uploads are refused as soon as they pass the limit, not after the whole body has arrived.

``LimitedUploadHandler`` comes first in ``FILE_UPLOAD_HANDLERS``. When the request announces
a body larger than ``UPLOAD_MAX_BYTES`` (Content-Length), it stops at the first file, before
reading any of it; otherwise it counts the bytes of the files as they arrive and stops the
moment the count passes the limit. Either way the rest of the body is never read
(``connection_reset``), and ``request.upload_too_large`` holds the limit in bytes, so the view
can say why in Danish. The fields before the file (the CSRF token) are parsed as usual.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.formats import number_format

# Room for the form's other fields and the multipart boundaries around the file.
ENVELOPE_BYTES = 64 * 1024


def upload_limit() -> int:
    return settings.UPLOAD_MAX_BYTES


def limit_in_mb(limit: int) -> str:
    """The limit as people read it in the active language, e.g. ``20`` or ``0,5``."""
    return number_format(Decimal(f"{limit / (1024 * 1024):g}"))


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_limit()
        self.announced_too_large = False
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.announced_too_large = content_length > self.limit + ENVELOPE_BYTES
        return None  # parse as usual, up to the first file

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.announced_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file

    def _refuse(self):
        if self.request is not None:
            self.request.upload_too_large = self.limit
        raise StopUpload(connection_reset=True)
