"""Sending a short message to a person: e-mail by SMTP, SMS through an HTTP gateway,
or (in development) the application log. Nothing here touches a request, so a
background queue can call :func:`send` later as the web app does now.

The backend follows the configuration: ``MAIL_SERVER`` set means SMTP, and
``SMS_GATEWAY_URL`` set means the gateway; without them the message is written to
the ``juragan.delivery`` log, whole outside production and without its text in
production (a code in a server log is a code anyone reading logs can use).
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from juragan.domain import disclosure

log = logging.getLogger("juragan.delivery")

EMAIL = "email"
SMS = "sms"


@dataclass(frozen=True)
class Message:
    """What to send, already in the reader's language."""

    channel: str  # EMAIL or SMS
    recipient: str  # an e-mail address, or a phone number in E.164
    body: str
    subject: str = ""


class DeliveryError(RuntimeError):
    """The message could not be handed to the mail server or the gateway."""


def _masked(message: Message) -> str:
    if message.channel == SMS:
        return disclosure.phone(message.recipient)
    return disclosure.email(message.recipient)


def send_by_smtp(config: Mapping[str, Any], message: Message) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="juragan")
    email.set_content(message.body)
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    try:
        if config["MAIL_USE_SSL"]:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=context
            )
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                server.starttls(context=context)
            if config["MAIL_USERNAME"]:
                server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            server.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP {host}:{port}: {type(error).__name__}") from error


def send_by_gateway(config: Mapping[str, Any], message: Message) -> None:
    """POST ``{"to": ..., "message": ...}`` as JSON, with the token as a bearer."""
    url = config["SMS_GATEWAY_URL"]
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("SMS_GATEWAY_URL must be an http(s) address")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps({"to": message.recipient, "message": message.body}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {config['SMS_GATEWAY_TOKEN']}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=config["SMS_TIMEOUT_SECONDS"]
        ) as response:
            status = response.status
    except OSError as error:  # URLError and HTTPError are OSErrors
        raise DeliveryError(f"SMS gateway: {type(error).__name__}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"SMS gateway answered {status}")


def write_to_log(config: Mapping[str, Any], message: Message) -> None:
    if config.get("ENV_NAME") == "production":
        log.warning(
            "no %s delivery is configured: a message to %s was not sent",
            message.channel,
            _masked(message),
        )
        return
    # A warning, so that it shows in a development server's output whatever the
    # log level: nothing was really sent.
    log.warning(
        "not sent (no %s delivery configured), %s to %s: %s",
        message.channel,
        message.channel,
        _masked(message),
        message.body,
    )


def backend_for(config: Mapping[str, Any], channel: str) -> Callable[..., None]:
    if channel == EMAIL and config.get("MAIL_SERVER"):
        return send_by_smtp
    if channel == SMS and config.get("SMS_GATEWAY_URL"):
        return send_by_gateway
    return write_to_log


def send(config: Mapping[str, Any], message: Message) -> bool:
    """Hand ``message`` to its channel's backend; whether that worked. A failure is
    logged (with the recipient masked), never raised: the person's page has been
    answered already, and says the same whether anything was sent."""
    try:
        backend_for(config, message.channel)(config, message)
    except DeliveryError as error:
        log.error(
            "a %s to %s was not delivered: %s", message.channel, _masked(message), error
        )
        return False
    return True
