"""
Uploads past the size limit are refused while they stream in, not after the whole file is stored.

Django hands each chunk of an uploaded file to the handlers of ``FILE_UPLOAD_HANDLERS`` in order;
``SizeLimitUploadHandler`` is first. Once a file passes the limit it keeps the later handlers (memory,
temporary file) from receiving any more of it, frees what they hold, and gives the form a
``RefusedUpload`` instead of the file: the form is redisplayed with an error, nothing is stored, and
the other fields the visitor filled in are still there. Any multipart POST to any URL is parsed, so
this also keeps a huge body sent anywhere from filling the disk.
"""

import io

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# Every upload's limit: the profile photo is the site's one upload (accounts.images uses it too).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class RefusedUpload(UploadedFile):
    """
    Stands in for a file refused as too large. To a form it is an empty file, which Django's file
    fields refuse ("The submitted file is empty"), so whatever form receives it, nothing is stored and
    nothing breaks. A field that knows it says why instead, with ``received``, the bytes that came
    (``accounts.forms.PhotoField``).
    """

    def __init__(self, *, name: str, content_type: str, received: int):
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=0)
        self.received = received


class SizeLimitUploadHandler(FileUploadHandler):
    """
    Stops passing a file on once it passes ``max_bytes``.

    The rest of the file is still read (and counted, so the message gives its real size) but never
    stored: answering before the body is read would reset the connection, and the visitor would see
    a browser error instead of the form. A web server in front caps the body itself (see README).
    """

    max_bytes = MAX_UPLOAD_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        was_within = self.received <= self.max_bytes
        self.received += len(raw_data)
        if self.received <= self.max_bytes:
            return raw_data  # the next handlers store it
        if was_within:  # this chunk crossed the limit
            self._free_later_handlers()
        return None  # the later handlers get nothing more of this file

    def file_complete(self, file_size):
        if self.received <= self.max_bytes:
            return None  # the next handler returns the file it stored
        return RefusedUpload(name=self.file_name, content_type=self.content_type, received=self.received)

    def _free_later_handlers(self):
        """Close what the storing handlers hold of this file (the temporary file is deleted on close)."""
        for handler in self.request.upload_handlers:
            if handler is not self and hasattr(handler, "file"):
                handler.file.close()  # Django's parser relies on the same ``file`` attribute
