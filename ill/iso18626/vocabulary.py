"""The words of ISO 18626 version 1.2: its namespace, version, message types and the schema's enumerations."""

import enum

NAMESPACE = "http://illtransactions.org/2013/iso18626"
VERSION = "1.2"


def qualify(name: str) -> str:
    """Return the name in the ISO 18626 namespace, as lxml writes it: `{namespace}name`."""
    return f"{{{NAMESPACE}}}{name}"


class MessageType(enum.StrEnum):
    """The three messages a peer sends; each is answered by its confirmation."""

    REQUEST = "request"
    SUPPLYING_AGENCY_MESSAGE = "supplyingAgencyMessage"
    REQUESTING_AGENCY_MESSAGE = "requestingAgencyMessage"

    @property
    def confirmation(self) -> str:
        """The element name of the confirmation that answers this message."""
        return f"{self.value}Confirmation"


class MessageStatus(enum.StrEnum):
    OK = "OK"
    ERROR = "ERROR"


class ErrorType(enum.StrEnum):
    UNSUPPORTED_ACTION_TYPE = "UnsupportedActionType"
    UNSUPPORTED_REASON_FOR_MESSAGE_TYPE = "UnsupportedReasonForMessageType"
    UNRECOGNISED_DATA_ELEMENT = "UnrecognisedDataElement"
    UNRECOGNISED_DATA_VALUE = "UnrecognisedDataValue"
    BADLY_FORMED_MESSAGE = "BadlyFormedMessage"


class ReasonForMessage(enum.StrEnum):
    """Why a supplier sends a supplyingAgencyMessage."""

    REQUEST_RESPONSE = "RequestResponse"
    STATUS_REQUEST_RESPONSE = "StatusRequestResponse"
    RENEW_RESPONSE = "RenewResponse"
    CANCEL_RESPONSE = "CancelResponse"
    STATUS_CHANGE = "StatusChange"
    NOTIFICATION = "Notification"


class Action(enum.StrEnum):
    """What a requester asks or tells the supplier in a requestingAgencyMessage."""

    STATUS_REQUEST = "StatusRequest"
    RECEIVED = "Received"
    CANCEL = "Cancel"
    RENEW = "Renew"
    SHIPPED_RETURN = "ShippedReturn"
    SHIPPED_FORWARD = "ShippedForward"
    NOTIFICATION = "Notification"


class ServiceType(enum.StrEnum):
    COPY = "Copy"
    LOAN = "Loan"
    COPY_OR_LOAN = "CopyOrLoan"


class RequestType(enum.StrEnum):
    NEW = "New"
    RETRY = "Retry"
    REMINDER = "Reminder"


# The statuses of `type_status`, in the schema's order. They are the values of the
# portal's own status vocabulary, so a status travels as its plain string.
STATUSES = (
    "RequestReceived",
    "ExpectToSupply",
    "WillSupply",
    "Loaned",
    "Overdue",
    "Recalled",
    "RetryPossible",
    "Unfilled",
    "CopyCompleted",
    "LoanCompleted",
    "CompletedWithoutReturn",
    "Cancelled",
)
