from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from custodian.audit.heads import log_origin
from custodian.audit.log_key import log_key_file_init
from custodian.plurals import counted
from custodian.vault.indexing import blind_indexes_fill
from custodian.vault.keys import key_files_init, master_key_rotate
from custodian.vault.models import DataKey


class Command(BaseCommand):
    help = (
        "Keys: `init --dir DIR` creates key files for production (master keyring, blind-index key, the "
        "access log's signing key); `rotate` re-wraps every data key; `blind-indexes` writes the look-up "
        "digests of names and service addresses held before they were look-up fields."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "rotate", "blind-indexes"])
        parser.add_argument("--dir", type=Path, help="where `init` writes the key files")
        parser.add_argument(
            "--retire", action="store_true", help="after rotating, drop master keys no longer used"
        )
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, action, **opts):
        if action == "init":
            if not opts["dir"]:
                raise CommandError("init needs --dir")
            try:
                ring, blind = key_files_init(opts["dir"])
            except FileExistsError as exc:
                raise CommandError(str(exc)) from None

            log_keys = log_key_file_init(opts["dir"], log_origin())
            self.stdout.write(
                f"CUSTODIAN_MASTER_KEYRING={ring}\nCUSTODIAN_BLIND_INDEX_KEY={blind}\n"
                f"CUSTODIAN_LOG_SIGNING_KEYS={log_keys}"
            )
            return
        if action == "blind-indexes":
            with tqdm(unit="customer", desc="indexing names and service addresses") as bar:
                result = blind_indexes_fill(batch=opts["batch"], progress=bar.update)
            self.stdout.write(
                f"indexed {counted(result['indexed'], 'value')}; "
                f"{counted(result['left_out'], 'customer')} left out (their notice "
                "at collection did not name providing services)"
            )
            return
        with tqdm(total=DataKey.objects.count(), unit="key", desc="re-wrapping data keys") as bar:
            result = master_key_rotate(batch=opts["batch"], retire=opts["retire"], progress=bar.update)
        self.stdout.write(
            f"active master key {result['active']}; re-wrapped {result['rewrapped']} data keys; "
            f"retired {', '.join(result['retired']) or 'none'}"
        )
