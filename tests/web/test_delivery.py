"""Codes really leave: by SMTP to a mail server this test starts (aiosmtpd), and by
a JSON POST to an SMS gateway stub this test starts; the code is read back from
what each received and used on the reset pages."""

from __future__ import annotations

import json
import re
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from juragan import delivery
from juragan.models import utcnow
from juragan.services import recovery


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        self.messages.append(
            (
                envelope.rcpt_tos,
                message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


@pytest.fixture
def mail_config(app, monkeypatch, smtp_server):
    controller, mailbox = smtp_server
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_FROM": "juragan <noreply@juragan.test>",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return mailbox


class Gateway(BaseHTTPRequestHandler):
    received: list[tuple[dict, dict]] = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server)
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "queued"}')

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def sms_gateway(app, monkeypatch):
    Gateway.received, Gateway.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(
        app.config, "SMS_GATEWAY_URL", f"http://127.0.0.1:{server.server_port}/send"
    )
    monkeypatch.setitem(app.config, "SMS_GATEWAY_TOKEN", "gateway-token")
    try:
        yield Gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def sri(db, cast):
    user = cast.returnee_user
    recovery.set_contact(db.session, user, "email", "sri@example.com")
    for kind in ("phone", "email"):
        recovery.mark_verified(db.session, user, kind, utcnow())
    db.session.commit()
    return user


def post(client, url, data):
    response = client.post(url, data=data)
    response.close()  # the server has sent it: the messages go out now
    return response


def six_digits(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_smtp_delivers_a_message_in_indonesian(app, mail_config):
    sent = delivery.send(
        app.config,
        delivery.Message(
            delivery.EMAIL, "sri@example.com", "Kode Anda: 123456", "Kode juragan"
        ),
    )
    assert sent
    ((recipients, message),) = mail_config.messages
    assert recipients == ["sri@example.com"]
    assert message["Subject"] == "Kode juragan"
    assert message["From"] == "juragan <noreply@juragan.test>"
    assert "123456" in message.get_content()


def test_a_reset_by_email_reads_its_code_from_the_mail(client, sri, mail_config):
    post(client, "/password/forgot", {"identifier": "sri@example.com"})
    ((recipients, message),) = mail_config.messages
    assert recipients == ["sri@example.com"]
    assert message["Subject"] == "Kode juragan Anda"
    body = message.get_content()
    assert "Jangan berikan kode ini kepada siapa pun" in body
    confirmed = post(client, "/password/code", {"code": six_digits(body)})
    assert confirmed.headers["Location"] == "/password/new"


def test_an_smtp_server_that_is_away_is_logged_not_raised(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    assert not delivery.send(
        app.config,
        delivery.Message(
            delivery.EMAIL, "sri@example.com", "Kode Anda: 123456", "Kode"
        ),
    )
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "s***@example.com" in logged
    assert "123456" not in logged


def test_a_reset_by_phone_goes_to_the_sms_gateway(client, sri, sms_gateway):
    post(client, "/password/forgot", {"identifier": "0812 3456 7890"})
    ((headers, body),) = sms_gateway.received
    assert headers["Authorization"] == "Bearer gateway-token"
    assert headers["Content-Type"] == "application/json"
    assert body["to"] == "+6281234567890"
    assert "Jangan berikan kode ini" in body["message"]
    confirmed = post(client, "/password/code", {"code": six_digits(body["message"])})
    assert confirmed.headers["Location"] == "/password/new"


def test_a_gateway_refusal_is_logged(app, sms_gateway, caplog):
    sms_gateway.status = 500
    assert not delivery.send(
        app.config,
        delivery.Message(delivery.SMS, "+6281234567890", "Kode Anda: 123456"),
    )
    assert "not delivered" in " ".join(r.getMessage() for r in caplog.records)


def test_without_a_backend_production_logs_no_code(caplog):
    delivery.write_to_log(
        {"ENV_NAME": "production"},
        delivery.Message(delivery.SMS, "+6281234567890", "Kode Anda: 123456"),
    )
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "not sent" in logged
    assert "123456" not in logged
    assert "+6281234567890" not in logged
