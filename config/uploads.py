"""The one upload handler: uploaded files are streamed, and no more than FILE_UPLOAD_MAX_BYTES of
any file is kept, in memory. The rest of a bigger file is read from the socket and dropped (so the
browser gets the answer it is waiting for), and the file arrives with its real ``size`` and no
content: the form refuses it by size without reading it. A 50 MB CSV costs 64 KB of memory."""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept, self.seen = BytesIO(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.seen += len(raw_data)
        if self.seen <= settings.FILE_UPLOAD_MAX_BYTES:
            self.kept.write(raw_data)
        return None  # nothing for other handlers: this one is the only one

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        if self.seen > settings.FILE_UPLOAD_MAX_BYTES:
            self.kept = BytesIO()  # too big: refused by its size, so none of it is needed
        self.kept.seek(0)
        return InMemoryUploadedFile(self.kept, self.field_name, self.file_name, self.content_type,
                                    self.seen, self.charset, self.content_type_extra)
