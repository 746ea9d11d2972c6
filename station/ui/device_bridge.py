"""Device events (on the devices' threads) become app messages: plain data, no widgets."""

from __future__ import annotations

from textual.message import Message

from devices import CardFound, CardPresented, CardReadFailed, DeviceEvent, JobChanged, ScanOffered
from station.ui.i18n import language
from station.ui.messages import (
    CardReading,
    CardTapped,
    CardUnreadable,
    PrintJobChanged,
    ScanArrived,
)


def device_message(event: DeviceEvent) -> Message | None:
    """The message for a device event, or None when only the devices' health changed."""
    if isinstance(event, CardFound):
        return CardReading()
    if isinstance(event, CardPresented):
        return CardTapped(event.card.as_card_data())
    if isinstance(event, CardReadFailed):
        return CardUnreadable(event.error.message(language()))
    if isinstance(event, JobChanged):
        return PrintJobChanged(event.job.id, event.job.state.value, event.job.problem)
    if isinstance(event, ScanOffered):
        return ScanArrived(str(event.path), event.sha256, event.media_type, event.size)
    return None
