from datetime import date

import pytest

from juragan.domain.identifiers import (
    InvalidIdentifier,
    check_nik_agrees,
    normalise_phone,
    parse_nik,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("nik", "regency", "born", "sex"),
    [
        ("3507015203880003", "35.07", date(1988, 3, 12), "F"),
        ("3507011203880003", "35.07", date(1988, 3, 12), "M"),
        ("3201-0101-0190-0003", "32.01", date(1990, 1, 1), "M"),
        ("3578 0145 0505 0012", "35.78", date(2005, 5, 5), "F"),  # born after 2000
        ("3171012902040001", "31.71", date(2004, 2, 29), "M"),  # leap day, 2004
        ("6501017101990001", "65.01", date(1999, 1, 31), "F"),  # Kaltara (65)
        ("9202010101850001", "92.02", date(1985, 1, 1), "M"),  # Papua Barat (92)
        ("9601014112010001", "96.01", date(2001, 12, 1), "F"),  # Papua Barat Daya (96)
    ],
)
def test_valid_niks_decode(nik, regency, born, sex):
    info = parse_nik(nik, TODAY)
    assert info.regency_code == regency
    assert info.birth_date == born
    assert info.sex == sex
    assert len(info.nik) == 16


def test_century_future_birthday_falls_back_to_1900s():
    # 30 Dec 26: in 2026 that birthday is still to come, so 1926.
    assert parse_nik("3507013012260001", TODAY).birth_date == date(1926, 12, 30)
    assert parse_nik("3507012011260001", TODAY).birth_date == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("350701520388000", "16 digits"),
        ("35070152038800031", "16 digits"),
        ("35070152O3880003", "16 digits"),
        ("", "16 digits"),
        ("3199015203880003", "3199"),  # kabupaten 99 does not exist
        ("3900015203880003", "3900"),  # no province 39
        ("3507005203880003", "00"),  # district 00
        ("3507015203880000", "0000"),  # serial 0000
        ("3507013102880003", "impossible"),  # 31 February
        ("3507017202880003", "impossible"),  # 32 February for a woman
        ("3507010113880003", "impossible"),  # month 13
        ("3507010000880003", "impossible"),  # day 0
        ("3507012902010001", "impossible"),  # 29 Feb 2001
    ],
)
def test_invalid_niks_say_why(app, nik, reason):
    with app.test_request_context(), pytest.raises(InvalidIdentifier) as caught:
        parse_nik(nik, TODAY)
    text = str(caught.value.message)
    assert (
        reason in text
        or {
            "16 digits": "16 digit",
            "impossible": "tidak mungkin",
            "00": "00",
            "0000": "0000",
        }.get(reason, reason)
        in text
    )


def test_entered_data_must_agree_with_the_nik(app):
    info = parse_nik("3507015203880003", TODAY)
    assert check_nik_agrees(info, date(1988, 3, 12), "F") == []
    with app.test_request_context():
        problems = dict(check_nik_agrees(info, date(1988, 3, 13), "M"))
    assert set(problems) == {"birth_date", "sex"}
    assert "12-03-1988" in str(problems["birth_date"])
    # The century is taken from what was entered: 2088 has the same digits.
    assert check_nik_agrees(info, date(1988, 3, 12), "F") == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62 812 3456 789", "+62812345678" + "9"),
        ("(021) 5550123", "+62215550123"),
        ("+886 912 345 678", "+886912345678"),  # a Taiwanese mobile kept from abroad
    ],
)
def test_phone_numbers_are_stored_in_e164(given, expected):
    assert normalise_phone(given) == expected


@pytest.mark.parametrize("bad", ["123", "0812", "abc", "+62 000 0000 0000", ""])
def test_bad_phone_numbers(app, bad):
    with app.test_request_context(), pytest.raises(InvalidIdentifier):
        normalise_phone(bad)


def test_masking():
    from juragan.domain import disclosure

    # Only the serial: the region and birth date are on the page already.
    assert disclosure.nik("3201010190000003") == "************0003"
    assert disclosure.phone("+6281234567890") == "+62812*****890"
    assert disclosure.phone("+6281234567890", full=True) == "+62 812-3456-7890"
    assert disclosure.nik(None) == ""
