"""Whatever is posted, reading it never raises and the answer is a valid confirmation."""

from hypothesis import given
from hypothesis import strategies as st

from ill.iso18626.encode import build_message
from ill.iso18626.inbound import admit_message, parse_message
from ill.iso18626.messages import Confirmation, Rejection

from .examples import BROKER_SUPPLYING_AGENCY_MESSAGE, RESHARE_REQUEST, make_requesting_agency_message

VALID = [RESHARE_REQUEST, BROKER_SUPPLYING_AGENCY_MESSAGE, build_message(make_requesting_agency_message())]


def check_answered(body: bytes) -> None:
    result = admit_message(body, content_type="application/xml")
    if isinstance(result, Rejection):
        assert isinstance(parse_message(build_message(result.confirmation)), Confirmation)
    else:
        assert build_message(result)


@given(st.binary(max_size=2000))
def test_any_bytes_are_answered(body):
    check_answered(body)


@given(
    st.sampled_from(VALID),
    st.integers(min_value=0, max_value=3000),
    st.integers(min_value=0, max_value=200),
    st.sampled_from(
        [b"", b"<", b">", b"&", b"&amp;", b"</x>", b"<x>", b"\x00", b"\xff", b"Z", b"9", b"\xea\xb0\x80"]
    ),
)
def test_a_valid_message_cut_or_spliced_anywhere_is_answered(body, start, length, insert):
    start = min(start, len(body))
    check_answered(body[:start] + insert + body[start + length :])


@given(st.sampled_from(VALID), st.data())
def test_any_element_text_of_a_valid_message_replaced_is_answered(body, data):
    texts = [piece for piece in body.split(b">") if piece and not piece.lstrip().startswith(b"<")]
    if not texts:
        return
    piece = data.draw(st.sampled_from(texts))
    text = data.draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
    check_answered(body.replace(piece.split(b"<")[0] + b"<", text + b"<", 1))
