"""A consent's own words (recipient, how to reach them, purpose, the text the customer agreed to) move into
the vault, sealed as the customer's correspondence; the clear columns go.

The consent table is append-only: its triggers are lifted for this one rewrite and put back after it.
Existing rows are sealed with the vault's services of today (the keyring is needed, which a historical model
can't give); a fresh database has no consents, so replaying this later seals nothing."""

from django.db import migrations, models

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("disclosures_consent",)


def seal_existing(apps, schema_editor):
    from custodian.disclosures.services.consents import ConsentWords, consent_words_seal
    from custodian.vault.services import Submission

    Consent = apps.get_model("disclosures", "Consent")
    for consent in Consent.objects.filter(sealed_ref="").order_by("pk").iterator():
        submission = (
            Submission(channel="portal", notice_key="portal_profile", note="sealed from the consent record")
            if consent.method == "electronic"
            else Submission(
                channel="paper",
                notice_key="account_application",
                recorded_by_label="the paper consent form",
                note="sealed from the consent record",
            )
        )
        consent.sealed_ref = consent_words_seal(
            customer_id=consent.customer_id,
            words=ConsentWords(
                recipient_name=consent.recipient_name,
                recipient_contact=consent.recipient_contact,
                purpose=consent.purpose,
                text_shown=consent.text_shown,
            ),
            submission=submission,
        )
        consent.save(update_fields=["sealed_ref"])


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_vendor_exports"), ("vault", "0007_destruction_append_only")]

    operations = [
        migrations.RunPython(
            lambda apps, se: drop_append_only(se, TABLES),
            lambda apps, se: make_append_only(se, TABLES, "a disclosure record"),
        ),
        migrations.AddField(
            model_name="consent",
            name="sealed_ref",
            field=models.CharField(
                default="",
                help_text="the sealed words: recipient, contact, purpose, text shown",
                max_length=80,
            ),
            preserve_default=False,
        ),
        # Going back leaves the words sealed (still readable through the gate) and the clear columns empty.
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consent", name="recipient_name"),
        migrations.RemoveField(model_name="consent", name="recipient_contact"),
        migrations.RemoveField(model_name="consent", name="purpose"),
        migrations.RemoveField(model_name="consent", name="text_shown"),
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "a disclosure record"),
            lambda apps, se: drop_append_only(se, TABLES),
        ),
    ]
