"""juragan: pergi migran, pulang juragan."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, Response, abort, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from juragan import clock
from juragan.config import load_config, validate_config
from juragan.dashboards import summaries
from juragan.db import audit, files, scope, vault
from juragan.extensions import babel, csrf, db, limiter, login_manager, migrate
from juragan.logs import redact_database_details

#: Content-Security-Policy: nothing inline, nothing from another origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Pages with Plotly charts: plotly.js sets style attributes as it draws, so these
#: pages allow inline *styles* (never inline scripts); and it saves a chart as a
#: PNG by drawing its own SVG from a ``blob:`` address, so they allow such images.
CSP_WITH_CHARTS = CSP.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
).replace("img-src 'self' data:", "img-src 'self' data: blob:")


class BoundedInt(IntegerConverter):
    """``<int:...>`` in every route, bounded to what the id columns hold: a longer
    number is simply not a page (404), never a database error."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the juragan application.

    :param config: overrides applied after the environment (tests pass a mapping).
    :raises juragan.config.ConfigError: when the configuration is unsafe.
    """
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(os.environ, app.instance_path))
    if config:
        app.config.from_mapping(config)
    validate_config(app.config)
    redact_database_details(app.logger)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # No JIT: the scope's subqueries make PostgreSQL's cost estimates large
        # enough to compile short queries, which then take longer (180 against 260
        # ms for the bank's count of plans ready, at a million returnees).
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("options", "-c jit=off")
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    register_extensions(app)
    # Outermost: every request, its routing errors included, is scoped to the
    # signed-in account, whatever context the server or a test runs it in.
    app.wsgi_app = scope.ScopedToRequest(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the trusted proxies saw them (the
        # sign-in limits key on the address).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.url_map.converters["int"] = BoundedInt
    register_blueprints(app)
    register_request_hooks(app)
    register_assets(app)
    register_template_helpers(app)
    register_transaction(app)
    register_commands(app)
    return app


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; and let SQLAlchemy, not pysqlite,
    # decide when transactions begin so SAVEPOINTs work (SQLAlchemy's documented
    # pysqlite workaround).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def register_extensions(app: Flask) -> None:
    from juragan.i18n import select_locale
    from juragan.services import accounts

    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
    migrate.init_app(
        app,
        db,
        directory=os.path.abspath(os.path.join(app.root_path, "..", "migrations")),
    )
    csrf.init_app(app)
    # Times are shown in the signed-in person's zone (WIB, WITA or WIT).
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=lambda: clock.zone().key
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    # Render the lazy message in the reader's language before it is flashed.
    login_manager.localize_callback = str
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    accounts.configure_hashing(
        app.config["ARGON2_TIME_COST"],
        app.config["ARGON2_MEMORY_COST"],
        app.config["ARGON2_PARALLELISM"],
    )
    app.config["SESSION_LIMITS"] = accounts.SessionLimits(
        idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]),
        reauthenticate=timedelta(minutes=app.config["REAUTHENTICATE_MINUTES"]),
    )
    vault.configure(
        vault.make_vault(app.config["NIK_ENCRYPTION_KEYS"], app.config["NIK_HMAC_KEYS"])
    )
    app.after_request(_say_why_the_session_ended)
    scope.install()
    scope.request_user = _request_user
    audit.install()
    audit.actor_resolver = _web_actor
    summaries.install()
    files.install()


def _load_user(token: str) -> Any:
    """Flask-Login loader: the cookie holds a session token, checked on the server
    (ended, idle and expired sessions are refused, whoever presents the cookie)."""
    from flask import current_app

    from juragan.models import utcnow
    from juragan.services import accounts

    with scope.system("sessions"):
        row, reason = accounts.find_session(
            db.session, token, utcnow(), current_app.config["SESSION_LIMITS"]
        )
    # The session's end, or its last-seen mark, is committed with the request.
    g.user_session = row
    if row is None:
        # Said once the request knows it is anonymous (translating here would ask
        # for the user's language, and so for this loader, again).
        g.session_end_reason = reason
        return None
    return row.user


def _say_why_the_session_ended(response: Response) -> Response:
    from flask import current_app, flash
    from flask_babel import gettext as _

    reason = g.pop("session_end_reason", None)
    limits = current_app.config["SESSION_LIMITS"]
    if reason == "idle":
        flash(
            _(
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again.",
                minutes=limits.idle.total_seconds() // 60,
            ),
            "warning",
        )
    elif reason == "expired":
        flash(
            _(
                "Sessions last %(hours)d hours. Please sign in again.",
                hours=limits.absolute.total_seconds() // 3600,
            ),
            "warning",
        )
    return response


def _request_user() -> Any:
    """The signed-in account of the current request, for the data layer's scope."""
    from flask import has_request_context
    from flask_login import current_user

    if not has_request_context():
        return None
    return current_user._get_current_object()


def _web_actor() -> audit.Actor | None:
    """The signed-in account, if the request has already loaded it.

    Reads Flask-Login's cache on ``g`` instead of ``current_user`` so that a flush
    never triggers a query of its own.
    """
    from flask import has_request_context

    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return audit.Actor(user.id, user.username)


def register_blueprints(app: Flask) -> None:
    from juragan.blueprints.admin import bp as admin_bp
    from juragan.blueprints.auth import bp as auth_bp
    from juragan.blueprints.dashboards import bp as dashboards_bp
    from juragan.blueprints.errors import register_error_handlers
    from juragan.blueprints.loans import bp as loans_bp
    from juragan.blueprints.main import bp as main_bp
    from juragan.blueprints.mentoring import bp as mentoring_bp
    from juragan.blueprints.plans import bp as plans_bp
    from juragan.blueprints.reference import bp as reference_bp
    from juragan.blueprints.returnees import bp as returnees_bp

    for blueprint in (
        auth_bp,
        main_bp,
        returnees_bp,
        plans_bp,
        loans_bp,
        mentoring_bp,
        dashboards_bp,
        admin_bp,
        reference_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters() -> None:
        # A NUL or other control character in an address reaches no page (forms
        # refuse them field by field): a 400, never a database error.
        for key, value in request.args.items(multi=True):
            if any(ord(ch) < 32 and ch not in "\t" for ch in key + value):
                abort(400)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy", CSP_WITH_CHARTS if g.get("has_charts") else CSP
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if request.endpoint != "static":
            # Pages can hold personal data: no shared or back-button caches.
            headers.setdefault("Cache-Control", "no-store")
        if app.config["SESSION_COOKIE_SECURE"]:
            # Served over TLS: browsers keep to it (a year, subdomains too).
            headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def register_assets(app: Flask) -> None:
    from juragan.web import assets

    assets.register(app)
    app.jinja_env.globals.update(
        plotly_bundle=assets.PLOTLY_BUNDLE,
        plotly_locales=assets.PLOTLY_LOCALES,
        plotly_locale_version=assets.plotly_locale_version,
    )


def register_template_helpers(app: Flask) -> None:
    from flask_babel import (
        format_date,
        format_datetime,
        format_decimal,
        format_number,
        format_percent,
        get_locale,
    )
    from flask_login import current_user

    from juragan import consent_rules
    from juragan.domain import disclosure, kbli
    from juragan.domain.regions import country_name
    from juragan.i18n import file_size, rupiah_filter, rupiah_words_filter
    from juragan.i18n.labels import (
        AUDIT_ACTION_LABELS,
        IMPORT_OUTCOME_LABELS,
        MONTH_NAMES,
        RECORD_TYPE_LABELS,
        ROLE_LABELS,
        SEX_LABELS,
        code_label,
        left_out_for_small_group,
    )
    from juragan.models import Role
    from juragan.policy import Action
    from juragan.reports.plans import section_url
    from juragan.web.access import user_can
    from juragan.web.shown import shown_person, shown_place

    app.jinja_env.filters["rupiah"] = rupiah_filter
    # Jinja's own filesizeformat writes "52.2 kB" whatever the language.
    app.jinja_env.filters["filesizeformat"] = file_size
    app.jinja_env.filters["rupiah_words"] = rupiah_words_filter
    app.jinja_env.filters["number"] = format_number
    # A ratio such as a repayment capacity: always two decimals (1,50×).
    app.jinja_env.filters["ratio"] = lambda v: format_decimal(v, "#,##0.00")
    app.jinja_env.filters["percent"] = lambda v: format_percent(v, "#,##0.0%")
    app.jinja_env.filters["date"] = lambda d, fmt="medium": (
        format_date(d, fmt) if d else "–"
    )
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": (
        format_datetime(d, fmt) if d else "–"
    )
    app.jinja_env.globals.update(
        can=user_can,
        Action=Action,
        Role=Role,
        get_locale=get_locale,
        role_label=lambda role: ROLE_LABELS[Role(role)],
        sex_label=lambda sex: SEX_LABELS.get(sex, sex),
        audit_action_label=lambda action: AUDIT_ACTION_LABELS.get(action, action),
        record_type_label=lambda table: RECORD_TYPE_LABELS.get(table, table),
        code_label=code_label,
        consent_label=lambda purpose: consent_rules.LABELS.get(purpose, purpose),
        consent_method_label=lambda method: consent_rules.METHOD_LABELS.get(
            method, method
        ),
        left_out_for_small_group=left_out_for_small_group,
        month_name=lambda number: MONTH_NAMES[int(number) - 1],
        kbli_subclass=kbli.subclass,
        outcome_label=lambda outcome: IMPORT_OUTCOME_LABELS.get(outcome, outcome),
        country=lambda code: country_name(code, str(get_locale() or "id")),
        mask_nik=disclosure.nik,
        mask_phone=disclosure.phone,
        format_phone=lambda value: disclosure.phone(value, full=True),
        shown=lambda person, **kw: shown_person(person, current_user, **kw),
        place=lambda value, person: shown_place(value, person, current_user),
        public_link=public_link,
        section_url=section_url,
        draft_owner=draft_owner,
    )


def draft_owner() -> str:
    """The signed-in account's tag for visit drafts on the phone; '' signed out."""
    from flask import current_app
    from flask_login import current_user

    from juragan.web import drafts

    if not current_user.is_authenticated:
        return ""
    return drafts.owner_tag(current_app.config["SECRET_KEY"], current_user.id)


def public_link(endpoint: str, **values: Any) -> str:
    """A link to send to someone (an invitation): on ``PUBLIC_URL``, never on the
    Host header a request arrived with (a forged one would send people elsewhere).
    Without one (development), the address the developer's browser used."""
    from flask import current_app, url_for

    base = current_app.config["PUBLIC_URL"] or request.url_root.rstrip("/")
    return base + url_for(endpoint, **values)


def register_transaction(app: Flask) -> None:
    from juragan.web import transaction

    transaction.register(app)


def register_commands(app: Flask) -> None:
    from juragan.cli import juragan_cli

    app.cli.add_command(juragan_cli)
