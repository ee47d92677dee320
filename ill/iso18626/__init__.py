"""ISO 18626 (version 1.2): messages as values, read from and written to XML, mapped to and from ILL requests,
and posted to peers. Pure but for `client` (HTTP): it imports nothing of ours above ILL's vocabulary and
rules; the endpoint that receives messages is `ill.views.iso18626`, the services that act on them
`ill.services.iso18626`, `submission` and `peer_messages`.

The modules in the order a message goes through them.

In, from a peer's body to ILL fields:
1. `parsing`: bytes to a safe document (UTF-8 only, bounded, no DTD, no entity, nothing opened), the
   canonical form an incoming message is kept in, and the schema (`schema/`) a document is checked against;
2. `inbound`: a posted body to a typed message or the `Rejection` answering it: parsing, the envelope,
   the schema, decoding and the checks the standard lets a receiver make (`admit_message`);
3. `decode`: the elements of a valid document to the values of `messages` (`decode_request`, ...);
4. `to_request`: a peer's `Request` to the fields of the ILL request it makes (`map_request`).

Out, from ILL to a peer's body:
1. `outgoing`: the messages NLK sends, made from an ILL request and its transaction
   (`make_borrowing_request`, `make_supplying_agency_message`, ...);
2. `encode`: a message to XML bytes, checked against the schema (`build_message`);
3. `client`: the bytes posted to a peer, and its confirmation read back through `inbound`.

Beside them: `vocabulary` (the namespace and the schema's enumerations), `messages` (the values, named
after the schema's elements, and the confirmation answering a message), `timestamps` (`xs:dateTime`) and
`errors` (a message refused, a message built badly).
"""
