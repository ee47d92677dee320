"""Every model of the exchange app, from the module that defines it: one module per program."""

from .business_exchange import BusinessExchange, Cadence, Host, Meeting
from .cultural_partnership import PartnershipCohort, PartnershipParticipant
from .deposits import Depositor, DepositReceipt
from .korean_studies import KoreanStudiesSupply
from .materials import (
    AgreementKind,
    AgreementStatus,
    ExchangeAgreement,
    MaterialCategory,
    Shipment,
    ShipmentDirection,
)
from .published import FigureKey, FigureSource, PublishedFigure
from .reports import MonthlyReport, ReportPermission
from .window_on_korea import Equipment, SiteEquipment, SupplyPlan, VolumeDelivery, WindowOnKoreaSite

__all__ = [
    "AgreementKind",
    "AgreementStatus",
    "BusinessExchange",
    "Cadence",
    "DepositReceipt",
    "Depositor",
    "Equipment",
    "ExchangeAgreement",
    "FigureKey",
    "FigureSource",
    "Host",
    "KoreanStudiesSupply",
    "MaterialCategory",
    "Meeting",
    "MonthlyReport",
    "PartnershipCohort",
    "PartnershipParticipant",
    "PublishedFigure",
    "ReportPermission",
    "Shipment",
    "ShipmentDirection",
    "SiteEquipment",
    "SupplyPlan",
    "VolumeDelivery",
    "WindowOnKoreaSite",
]
