"""Spanish as a US utility writes it: the dates stay Django's Spanish ones ("3 de noviembre de 2026"), but
numbers keep the US decimal point and comma grouping ("$2,094.21"), as es_US and es_MX write them. Our
Spanish-speaking customers read US money; Spain's "2094,21" on a US bill reads as about two thousand
dollars and as twenty-one cents alike."""

from django.conf.locale.es.formats import *  # noqa: F403 (every date and input format of Django's own)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
