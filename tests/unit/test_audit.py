from sqlalchemy import select

from juragan.db.audit import REDACTED, Actor, acting_as
from juragan.models import AuditEntry, Role
from juragan.services import accounts


def entries(db, table, object_id):
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.table_name == table, AuditEntry.object_id == str(object_id)
            )
            .order_by(AuditEntry.id)
        )
    )


def test_insert_update_delete_are_recorded_with_actor(db, make_user, make_returnee):
    mentor = make_user(Role.MENTOR, "35")
    with acting_as(Actor(mentor.id, mentor.username)):
        returnee = make_returnee("35.07", full_name="Sri Wahyuni")
        returnee.full_name = "Sri Wahyuningsih"
        returnee.regency_code = "35.78"
        db.session.flush()
        db.session.delete(returnee)
        db.session.flush()
    insert, update, delete = entries(db, "returnees", returnee.id)
    assert (insert.action, update.action, delete.action) == (
        "insert",
        "update",
        "delete",
    )
    assert {e.actor_id for e in (insert, update, delete)} == {mentor.id}
    assert insert.changes["full_name"] == [None, "Sri Wahyuni"]
    assert insert.changes["birth_date"] == [None, "1990-05-17"]
    assert update.changes == {
        "full_name": ["Sri Wahyuni", "Sri Wahyuningsih"],
        "regency_code": ["35.07", "35.78"],
    }
    assert delete.changes["full_name"] == ["Sri Wahyuningsih", None]


def test_unchanged_assignment_writes_nothing(db, make_returnee):
    returnee = make_returnee(full_name="Ani")
    before = len(entries(db, "returnees", returnee.id))
    returnee.full_name = "Ani"
    db.session.flush()
    assert len(entries(db, "returnees", returnee.id)) == before


def test_password_hashes_never_reach_the_log(db, make_user):
    user = make_user()
    accounts.set_password(db.session, user, "another-long-secret")
    update = entries(db, "users", user.id)[-1]
    assert update.changes["password_hash"] == [REDACTED, REDACTED]
    assert set(update.changes) == {"password_hash"}
    assert "argon2" not in str([e.changes for e in entries(db, "users", user.id)])


def test_without_actor_the_system_is_named(db, make_returnee):
    returnee = make_returnee()
    (insert,) = entries(db, "returnees", returnee.id)
    assert insert.actor_id is None
    assert insert.actor_label == "system"


def test_unaudited_models_write_nothing(db):
    from juragan.models import Province

    before = db.session.scalar(
        select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)
    )
    db.session.get(Province, "35").name = "Jawa Timur (uji)"
    db.session.flush()
    after = db.session.scalar(
        select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)
    )
    assert before == after


def test_sign_in_is_attributed_to_the_person(db, make_user):
    user = make_user()
    accounts.authenticate(db.session, user.username, "correct-horse-battery")
    entry = entries(db, "users", user.id)[-1]
    assert entry.actor_id == user.id
    assert list(entry.changes) == ["last_login_at"]
