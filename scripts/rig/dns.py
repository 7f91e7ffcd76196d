"""The rig's DNS server: answers A queries for names under the given suffixes with fixed IPv4
addresses, every other name with NXDOMAIN, and other query types under those suffixes with no
records. One UDP socket, one question per query; loopback only. Replaces a system DNS server so
the rig runs without root (inside `unshare -Urnm`, where dnsmasq cannot drop privileges).

    dns.py LISTEN_ADDRESS PORT SUFFIX=ADDRESS [SUFFIX=ADDRESS ...]

The first suffix that a name ends with wins; list the more specific suffixes first.
"""
import socket
import struct
import sys


def parse_name(packet, offset):
    """The query name (lowercase, no trailing dot) and the offset after it; no compression in
    questions."""
    labels = []
    for _ in range(128):
        length = packet[offset]
        offset += 1
        if length == 0:
            return ".".join(labels).lower(), offset
        if length & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(packet[offset : offset + length].decode("ascii", "replace"))
        offset += length
    raise ValueError("too many labels")


def answer(packet, routes):
    ident, flags, qdcount = struct.unpack("!HHH", packet[:6])
    if qdcount != 1:
        return struct.pack("!HHHHHH", ident, 0x8181, 0, 0, 0, 0)  # FORMERR
    name, end = parse_name(packet, 12)
    qtype, qclass = struct.unpack("!HH", packet[end : end + 4])
    question = packet[12 : end + 4]
    rd = flags & 0x0100
    address = next(
        (ip for suffix, ip in routes if name == suffix or name.endswith("." + suffix)), None
    )
    if address is None:
        header = struct.pack("!HHHHHH", ident, 0x8483 | rd, 1, 0, 0, 0)  # NXDOMAIN
        return header + question
    if qtype != 1 or qclass != 1:
        header = struct.pack("!HHHHHH", ident, 0x8480 | rd, 1, 0, 0, 0)  # no records
        return header + question
    header = struct.pack("!HHHHHH", ident, 0x8480 | rd, 1, 1, 0, 0)
    record = struct.pack("!HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(address)
    return header + question + record


def main():
    listen, port = sys.argv[1], int(sys.argv[2])
    routes = [tuple(arg.lower().split("=", 1)) for arg in sys.argv[3:]]
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((listen, port))
    while True:
        packet, peer = server.recvfrom(4096)
        try:
            server.sendto(answer(packet, routes), peer)
        except (ValueError, IndexError, struct.error):
            continue


if __name__ == "__main__":
    main()
