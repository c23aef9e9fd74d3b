"""Permissions-Policy on every answer: pages, the API, static files, errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/layanan/", "/akun/masuk/", "/api/v1/schema/", "/open311/v2/services.json",
                                  "/static/simpul/offline.js", "/no-such-page/"])
def test_every_answer_switches_off_camera_microphone_and_location_with_a_permissions_policy(client, path):
    response = client.get(path)
    policy = response.get("Permissions-Policy", "")
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    assert features["camera"] == "()" and features["microphone"] == "()" and features["geolocation"] == "()"
    assert features["payment"] == "()" and features["usb"] == "()"
