from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simpul.cases.reference_numbers import (
    ALPHABET,
    BODY_LENGTH,
    format_reference,
    is_valid_compact,
    normalise_reference,
    pin_hash,
    pin_matches,
    pin_new,
    reference_new,
)

bodies = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)
years = st.integers(min_value=0, max_value=99).map(lambda y: f"{y:02d}")


def _compact(reference: str) -> str:
    return reference.replace("-", "")[4:]


@given(years, bodies)
@settings(max_examples=300)
def test_every_single_substitution_is_detected(year, body):
    compact = _compact(format_reference(year, body))
    assert is_valid_compact(compact)
    for i, original in enumerate(compact):
        symbols = "0123456789" if i < 2 else ALPHABET
        for other in symbols:
            if other != original:
                assert not is_valid_compact(compact[:i] + other + compact[i + 1:]), (compact, i, other)


@given(years, bodies)
@settings(max_examples=300)
def test_every_adjacent_transposition_is_detected(year, body):
    compact = _compact(format_reference(year, body))
    for i in range(len(compact) - 1):
        a, b = compact[i], compact[i + 1]
        if a == b:
            continue
        swapped = compact[:i] + b + a + compact[i + 2:]
        assert not is_valid_compact(swapped), (compact, i)


def test_alphabet_has_no_ambiguous_characters():
    assert not set("01ILOUZ") & set(ALPHABET)
    assert len(ALPHABET) == 29


def test_new_reference_has_the_readable_format():
    reference = reference_new()
    prefix, year, body, check = reference.split("-")
    assert prefix == "MUBA" and len(year) == 2 and len(body) == 5 and len(check) == 1
    assert normalise_reference(reference) == reference


def test_normalise_tolerates_lowercase_spaces_dashes_and_missing_prefix():
    reference = format_reference("26", "7K3QX")
    compact = reference.replace("-", "")
    assert normalise_reference(compact.lower()) == reference
    assert normalise_reference(" " + reference.lower().replace("-", " ") + " ") == reference
    assert normalise_reference(compact[4:]) == reference
    assert normalise_reference("MUBA-26-7K3QX-" + ("A" if reference[-1] != "A" else "B")) is None
    assert normalise_reference("") is None


def test_pin_is_six_digits_hashed_and_checked():
    pin = pin_new()
    assert len(pin) == 6 and pin.isdigit()
    stored = pin_hash("MUBA-26-7K3QX-P", pin)
    assert pin not in stored
    assert pin_matches("MUBA-26-7K3QX-P", pin, stored)
    assert not pin_matches("MUBA-26-7K3QX-P", f"{(int(pin) + 1) % 1_000_000:06d}", stored)
    assert not pin_matches("MUBA-26-7K3QX-Q", pin, stored)
    assert not pin_matches("MUBA-26-7K3QX-P", "abc", stored)


def test_pin_derived_from_idempotency_key_is_stable_per_key():
    assert pin_new(idempotency_scope="web", idempotency_key="k1") == pin_new(idempotency_scope="web", idempotency_key="k1")
    derived = {pin_new(idempotency_scope="web", idempotency_key=f"k{i}") for i in range(50)}
    assert len(derived) > 40  # spread over the PIN space, not a constant
