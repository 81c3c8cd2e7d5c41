"""``flask juragan ...``: each command calls the same services as the web app."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from juragan.db import scope
from juragan.db.audit import Actor, acting_as
from juragan.errors import DomainError
from juragan.extensions import db
from juragan.models import Role

log = logging.getLogger("juragan.cli")


@click.pass_context
def _as_the_server(ctx: click.Context) -> None:
    """Every command reads across every scope, as the server: named, and logged."""
    ctx.with_resource(scope.system("cli"))
    log.info("command %s run on the server", ctx.invoked_subcommand)


@contextmanager
def one_transaction() -> Iterator[None]:
    """A command's writes: committed together once it has done its work, or, if it
    fails anywhere (its commit included), none of them."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


juragan_cli = AppGroup(
    "juragan", help="juragan administration commands.", callback=_as_the_server
)


@juragan_cli.command("create-admin")
@click.option("--username", required=True, help="Sign-in name of the new admin.")
@click.option("--full-name", required=True, help="The admin's name as shown to others.")
@click.option("--email", default=None, help="Optional e-mail address.")
@click.password_option(help="Prompted for when not given.")
def create_admin(
    username: str, full_name: str, email: str | None, password: str
) -> None:
    """Create an administrator account (the first one, typically)."""
    from juragan.services.accounts import AccountData, create_account

    with acting_as(Actor(None, "cli")), one_transaction():
        try:
            user = create_account(
                db.session,
                AccountData(
                    username=username, full_name=full_name, email=email, role=Role.ADMIN
                ),
                password,
            )
        except DomainError as error:
            raise click.ClickException(
                f"{error.field or 'error'}: {error.message}"
            ) from error
    click.echo(f"Created admin account {user.username}.")


@juragan_cli.command("load-reference")
def load_reference() -> None:
    """Add new Kemendagri regions and apply renames from the shipped data file."""
    from juragan.seeding.catalogue import load_regions

    with acting_as(Actor(None, "cli")), one_transaction():
        added, renamed = load_regions(db.session)
    click.echo(f"Regions: {added} added, {renamed} renamed.")


@juragan_cli.command("seed-demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the database already has accounts.",
)
def seed_demo_command(if_empty: bool) -> None:
    """Create one demo account per role and a small realistic data set."""
    from juragan.seeding.demo import (
        DEMO_ACCOUNTS,
        DEMO_PASSWORD,
        database_is_empty,
        seed_demo,
    )

    if not database_is_empty(db.session):
        if if_empty:
            click.echo("The database already has accounts; demo data not loaded.")
            return
        raise click.ClickException("The database already has accounts.")
    with one_transaction():
        seed_demo(db.session)
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.username:16} {account.role.value}")


@juragan_cli.command("seed")
@click.option("--returnees", "count", type=click.IntRange(min=1), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
def seed_command(count: int, seed: int) -> None:
    """Bulk-generate COUNT synthetic returnees, the same ones for the same seed."""
    from juragan.dashboards.summaries import vacuum
    from juragan.seeding.bulk import generate_returnees

    started = time.perf_counter()
    with one_transaction():
        done = generate_returnees(db.session, count, seed)
    # After the commit: VACUUM runs outside any transaction.
    vacuum(db.engine)
    click.echo(f"Generated {done} returnees in {time.perf_counter() - started:.1f} s.")


@juragan_cli.command("refresh-dashboards")
def refresh_dashboards() -> None:
    """Rebuild the dashboards' summary tables from the data (run nightly)."""
    from juragan.dashboards.summaries import rebuild_all, vacuum

    started = time.perf_counter()
    with one_transaction():
        rebuild_all(db.session)
    # After the commit: VACUUM runs outside any transaction.
    vacuum(db.engine)
    click.echo(f"Dashboard summaries rebuilt in {time.perf_counter() - started:.1f} s.")


@juragan_cli.command("rotate-nik-keys")
def rotate_nik_keys() -> None:
    """Re-encrypt and re-hash every NIK under the first of NIK_ENCRYPTION_KEYS and
    NIK_HMAC_KEYS; afterwards the older keys can leave the lists."""
    from juragan.services.registry import rotate_nik_keys as rotate

    with acting_as(Actor(None, "cli")), one_transaction():
        moved, total = rotate(db.session)
    click.echo(f"NIKs under the current keys: {moved} moved, {total} in all.")
