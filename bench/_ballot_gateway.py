"""The SMS gateway of bench/ballot.py: appends "number code" to the file named by JICENG_BENCH_SMS_FILE,
so that the benchmark's client processes can read the codes the server sent (O_APPEND: one write per line)."""

import os
import re

from jiceng.core.notify import SmsGateway


class FileGateway(SmsGateway):
    def send(self, phone: str, text: str) -> None:
        code = re.search(r"\d{6}", text).group(0)
        fd = os.open(os.environ["JICENG_BENCH_SMS_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{phone} {code}\n".encode("ascii"))
        finally:
            os.close(fd)
