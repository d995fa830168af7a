"""Opening serial ports, including the emulator's pseudo-terminals."""

from __future__ import annotations

import logging
import os
import stat
import termios

import serial

from agent.logs import fields

log = logging.getLogger(__name__)


def is_pty(path: str) -> bool:
    """Unix98 pseudo-terminal slaves (/dev/pts/N) use majors 136-143."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and 136 <= os.major(st.st_rdev) <= 143


def open_serial(path: str, baud: int, parity: str = serial.PARITY_NONE, timeout: float = 0.5) -> serial.Serial:
    """Open ``path``; on a pseudo-terminal (the emulator) parity is dropped.

    A pty carries bytes, not bits, so parity has no meaning there, and some
    kernels reject PARENB on a pty with EINVAL. Real UARTs keep the parity
    asked for (the STM32 bootloader needs 8E1); the emulator still paces
    11 bits per byte so timings match an 8E1 wire.
    """
    if parity != serial.PARITY_NONE and is_pty(path):
        log.debug("pseudo-terminal: parity not applicable", extra=fields(port=path, asked=parity))
        parity = serial.PARITY_NONE
    try:
        return serial.Serial(path, baud, bytesize=8, parity=parity, stopbits=1, timeout=timeout, xonxoff=False, rtscts=False)
    except (serial.SerialException, OSError, termios.error) as e:
        raise SerialPortError(f"cannot open serial port {path} at {baud} baud: {e}. "
                              "Check the path (ls /dev/serial* /dev/tty*), that no other program holds it, "
                              "and that this user is in the 'dialout' group.") from e


class SerialPortError(IOError):
    """The port could not be opened; the message says what to check."""
