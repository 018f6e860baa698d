from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    SCHEME_POINT = "scheme_point", _("Through a scheme point")
    CITIZEN_APP = "citizen_app", _("Forwarded from the national citizen app")
    WEB_FORM = "web_form", _("Public web form")


class Category(models.TextChoices):
    """Also the Open311 service codes of the public channel."""

    DRUGS = "drugs", _("Drugs")
    THEFT = "theft", _("Theft")
    GAMBLING = "gambling", _("Gambling")
    HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
    ILLEGAL_RESIDENCE = "illegal_residence", _("Illegal residence")
    ILLEGAL_BORDER_CROSSING = "illegal_border_crossing", _("Illegal entry or exit")
    WEAPONS = "weapons", _("Weapons and explosives")
    FRAUD = "fraud", _("Fraud, including online")
    PUBLIC_DISORDER = "public_disorder", _("Public disorder")
    SOCIAL_EVILS = "social_evils", _("Social evils")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Under verification")
    ACTIONABLE = "actionable", _("Actionable")
    NOT_ACTIONABLE = "not_actionable", _("Not actionable")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Assessment(models.TextChoices):
    """Set once verification concludes and kept through referral and closing: counting
    actionable tips counts tips, so they can never outnumber them."""

    ACTIONABLE = "actionable", _("Actionable")
    NOT_ACTIONABLE = "not_actionable", _("Not actionable")


# status → statuses an officer may move a tip to (referral has its own service)
NEXT = {
    Status.RECEIVED: {Status.VERIFYING, Status.CLOSED},
    Status.VERIFYING: {Status.ACTIONABLE, Status.NOT_ACTIONABLE},
    Status.ACTIONABLE: {Status.CLOSED},
    Status.NOT_ACTIONABLE: {Status.CLOSED, Status.VERIFYING},
    Status.REFERRED: set(),  # waits for the receiving unit's acknowledgement
    Status.CLOSED: set(),
}
REFERABLE = {Status.RECEIVED, Status.VERIFYING, Status.ACTIONABLE}


class Author(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    OFFICER = "officer", _("Officer")


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    REFERRED = "referred", _("Referred")
    ACKNOWLEDGED = "acknowledged", _("Referral acknowledged")
    ASSIGNED = "assigned", _("Officer assigned")
    DUPLICATE = "duplicate", _("Linked as a duplicate")
    REVEALED = "revealed", _("Informant's identity revealed")
