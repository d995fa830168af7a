"""``python -m firmware_bridge.emulator``: run the emulated controller on a pseudo-terminal.

Prints the pty path; point ``[controller].port`` or ``edge-agent fw flash --port``
at it. Without GPIO wiring, ``fw flash --boot-entry command`` asks the
application to jump to the ROM bootloader over the link.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from firmware_bridge.emulator import EmulatedDevice, Faults


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m firmware_bridge.emulator", description=__doc__.splitlines()[0])
    ap.add_argument("--baud", type=int, default=115200, help="emulated baud rate (bytes are paced to it)")
    ap.add_argument("--no-pace", action="store_true", help="move bytes as fast as the pty allows")
    ap.add_argument("--flash-kib", type=int, default=256)
    ap.add_argument("--page-size", type=int, default=2048)
    ap.add_argument("--erase-ms", type=float, default=20.0, help="emulated erase time per page")
    ap.add_argument("--start-in", choices=["app", "bootloader"], default="app")
    ap.add_argument("--seed", type=int, default=None)
    for name in ("drop_rx", "drop_tx", "nack", "corrupt_read", "bad_write", "power_loss"):
        ap.add_argument(f"--{name.replace('_', '-')}", type=float, default=0.0, help=f"fault probability: {name}")
    a = ap.parse_args(argv)
    faults = Faults(drop_rx=a.drop_rx, drop_tx=a.drop_tx, nack=a.nack, corrupt_read=a.corrupt_read,
                    bad_write=a.bad_write, power_loss=a.power_loss, seed=a.seed)
    dev = EmulatedDevice(baud=a.baud, pace=not a.no_pace, flash_size=a.flash_kib * 1024, page_size=a.page_size,
                         erase_page_s=a.erase_ms / 1000, faults=faults, start_in=a.start_in).start()
    print(dev.path, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    dev.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
