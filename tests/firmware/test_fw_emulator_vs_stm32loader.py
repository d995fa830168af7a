"""The emulator's ROM bootloader, checked with an independent client: stm32loader (used only in tests)."""

import os

import pytest
from stm32loader.bootloader import CommandError, Stm32Bootloader

from firmware_bridge.emulator.rom import PID


@pytest.fixture
def loader(device, boot, port_for):
    boot.enter_bootloader(None)
    assert device.wait_mode("bootloader")
    port = port_for(device, timeout=1.0)
    bl = Stm32Bootloader(port, verbosity=0)
    bl.write(Stm32Bootloader.Command.SYNCHRONIZE)
    assert port.read(1) == b"\x79"
    return bl


def test_get_and_ids(loader):
    assert loader.get() == 0x31
    assert loader.extended_erase  # the emulator advertises 0x44
    assert loader.get_id() == PID
    assert loader.get_flash_size() == 256
    assert len(loader.get_uid()) == 12


def test_erase_write_read_round_trip(loader, device):
    loader.extended_erase_memory(None)
    assert device.rom.flash == b"\xff" * len(device.rom.flash)
    data = os.urandom(2000)  # not a multiple of 256 or 4: exercises padding
    loader.write_memory_data(0x08000000, data)
    assert loader.read_memory_data(0x08000000, len(data)) == data
    assert bytes(device.rom.flash[:len(data)]) == data


def test_page_erase_only_touches_those_pages(loader, device):
    loader.extended_erase_memory(None)
    loader.write_memory_data(0x08000000, b"\x00" * 4096)
    loader.extended_erase_memory([1])  # 2 KiB pages: bytes 2048..4095
    got = loader.read_memory_data(0x08000000, 4096)
    assert got == b"\x00" * 2048 + b"\xff" * 2048


def test_flash_only_clears_bits_like_nor(loader):
    loader.extended_erase_memory(None)
    loader.write_memory(0x08000000, b"\x0f\xff\xff\xff")
    loader.write_memory(0x08000000, b"\xf0\xff\xff\xff")
    assert loader.read_memory(0x08000000, 4) == b"\x00\xff\xff\xff"


def test_out_of_range_address_is_nacked(loader):
    with pytest.raises(CommandError, match="NACK"):
        loader.read_memory(0x20000000, 4)


def test_bad_command_checksum_is_nacked(loader):
    loader.write(0x11, 0x11)  # complement wrong
    assert loader.connection.read(1) == b"\x1f"
    assert loader.get() == 0x31  # and it still listens


def test_go_starts_the_application(loader, device):
    loader.extended_erase_memory(None)
    loader.write_memory(0x08000000, b"\x00\x50\x00\x20" + b"\x01\x01\x00\x08")
    loader.go(0x08000000)
    assert device.wait_mode("app")
