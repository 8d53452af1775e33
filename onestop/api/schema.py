"""Shared schema pieces: the error body every 4xx uses."""
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi máy đọc được, ví dụ invalid_input, conflict")
    message = serializers.CharField(help_text="Thông báo cho người dùng")
    errors = serializers.JSONField(required=False, help_text="Lỗi theo từng trường (khi dữ liệu không hợp lệ)")
    details = serializers.JSONField(required=False)


ERRORS = ErrorSerializer
