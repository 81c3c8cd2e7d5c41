from sqlalchemy import func, select

from juragan.models import AuditEntry, Returnee, Role, User


def test_create_admin(runner, db):
    result = runner.invoke(
        args=[
            "juragan",
            "create-admin",
            "--username",
            "Kepala",
            "--full-name",
            "Kepala TI",
            "--password",
            "sangat-rahasia-sekali",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kepala"))
    assert user.role == Role.ADMIN
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.object_id == str(user.id), AuditEntry.table_name == "users")
        .order_by(AuditEntry.id)
    )
    assert entry.actor_label == "cli"


def test_create_admin_refuses_a_weak_password(runner, db):
    result = runner.invoke(
        args=[
            "juragan",
            "create-admin",
            "--username",
            "x",
            "--full-name",
            "X",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0
    assert "password" in result.output


def test_seed_demo_once(runner, db):
    result = runner.invoke(args=["juragan", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "pendamping" in result.output
    again = runner.invoke(args=["juragan", "seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "already" in again.output
    assert runner.invoke(args=["juragan", "seed-demo"]).exit_code != 0


def test_seed_generates_people(runner, db):
    before = db.session.scalar(select(func.count()).select_from(Returnee))
    result = runner.invoke(
        args=["juragan", "seed", "--returnees", "300", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Returnee)) == before + 300
    assert runner.invoke(args=["juragan", "seed", "--returnees", "0"]).exit_code != 0


def test_load_reference(runner, db):
    result = runner.invoke(args=["juragan", "load-reference"])
    assert result.exit_code == 0
    assert "0 added, 0 renamed" in result.output
