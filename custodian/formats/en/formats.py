"""English as the utility writes it: a date with its month spelled out ("November 3, 2026"), where Django's
own English abbreviates it ("Nov. 3, 2026"); everything else is Django's. Pages name a format
(`|date:"DATE_FORMAT"`), never a pattern of their own: "F j, Y" in a Spanish page reads "diciembre 22,
2026", where Spanish writes "22 de diciembre de 2026" (`custodian/formats/es`)."""

from django.conf.locale.en.formats import *  # noqa: F403 (every date and input format of Django's own)

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i a"
