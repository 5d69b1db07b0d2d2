"""Sending e-mail: the partnership's mail server, from ``OUTCOMES_SMTP_URL``.

``smtp://user:password@host:port`` (port 25 unless given) or ``smtps://…`` (TLS from the first
byte, port 465 unless given). On ``smtp://`` the connection is upgraded with STARTTLS whenever
the server offers it: a council's relay that offers it expects it, and a password should never
cross the network in the clear. A server that offers no STARTTLS is used as it is (a relay on
the same machine or network, with no password), but never given a password: that is refused. The address mail comes from is
``OUTCOMES_MAIL_FROM``.

A server that cannot be reached, or refuses the password, is a :class:`MailUnreachable` in one
sentence, raised before any message is handed over, so nothing is recorded as sent.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from outcomes.errors import Refused

# Long enough for a slow relay, short enough that a daily cron job does not hang for minutes.
TIMEOUT_SECONDS = 20


class MailUnreachable(Refused):
    """The mail server could not be reached or would not let us in; nothing was sent."""


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes and who it is from."""

    tls: bool  # smtps://: TLS from the start
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str

    @property
    def where(self) -> str:
        """The server as a person would name it, never with its password."""
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


def settings(env: Mapping[str, str] | None = None) -> MailSettings:
    """The mail settings from the environment, refused in words when missing or malformed.

    >>> s = settings({"OUTCOMES_SMTP_URL": "smtps://me%40x.org:p%2Fw@mail.x.org",
    ...               "OUTCOMES_MAIL_FROM": "csp@x.org"})
    >>> (s.tls, s.host, s.port, s.user, s.password, s.where)
    (True, 'mail.x.org', 465, 'me@x.org', 'p/w', 'smtps://mail.x.org:465')
    """
    env = os.environ if env is None else env
    url = (env.get("OUTCOMES_SMTP_URL") or "").strip()
    sender = (env.get("OUTCOMES_MAIL_FROM") or "").strip()
    if not url:
        raise MailUnreachable.worded("mail-not-set")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailUnreachable.worded("mail-url-unreadable")
    if "@" not in sender:
        raise MailUnreachable.worded("mail-sender-not-set")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise MailUnreachable.worded("mail-url-unreadable", "port") from None
    return MailSettings(
        tls=parts.scheme == "smtps",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender,
    )


@contextmanager
def connected(mail: MailSettings) -> Iterator[smtplib.SMTP]:
    """A connection to the mail server, signed in, closed afterwards."""
    try:
        if mail.tls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_SECONDS)
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            elif mail.user:
                server.close()
                raise MailUnreachable.worded("mail-no-starttls", where=mail.where)
        if mail.user:
            server.login(mail.user, mail.password or "")
    except smtplib.SMTPAuthenticationError:
        raise MailUnreachable.worded("mail-login-refused", where=mail.where) from None
    except (OSError, smtplib.SMTPException) as err:
        why = getattr(err, "strerror", None) or str(err) or type(err).__name__
        raise MailUnreachable.worded("mail-unreachable", where=mail.where, why=why) from None
    try:
        yield server
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()


def message(
    mail: MailSettings, to: str, subject: str, text: str, html: str | None = None
) -> EmailMessage:
    """A plain-text message, with an HTML part beside it when given."""
    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg
