using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Media.Rtp.Linux;

/// <summary>
/// The Linux calls that <see cref="System.Net.Sockets.Socket"/> does not expose: one epoll set over many sockets and
/// <c>recvmmsg</c> (several datagrams per call). Layouts are glibc's on LP64 (x86-64, arm64).
/// </summary>
/// <remarks>
/// Why hand-written: .NET waits on each socket separately (an async receive per leg costs an epoll wake-up, a thread
/// pool hop and two <c>recvfrom</c> calls per packet: measured 24–48 µs of CPU per packet at 50–200 calls), and no
/// package served here wraps epoll or recvmmsg. epoll(7), recvmmsg(2).
/// </remarks>
internal static unsafe partial class LinuxUdp
{
    public const int EpollCloseOnExec = 0x80000;
    public const int EpollControlAdd = 1;
    public const int EpollControlDelete = 2;
    public const uint EpollIn = 0x001;
    public const int MessageDontWait = 0x40;
    public const int MessageTruncated = 0x20;
    public const int ErrorInterrupted = 4;
    public const int ErrorWouldBlock = 11;
    public const ushort AddressFamilyInet = 2;
    public const ushort AddressFamilyInet6 = 10;

    public const int SocketLevel = 1;

    /// <summary>SO_TIMESTAMPNS: the kernel stamps each datagram's arrival (CLOCK_REALTIME, struct timespec) in a cmsg.</summary>
    public const int SocketTimestampNanoseconds = 35;

    /// <summary>Control buffer per message: CMSG_SPACE(sizeof(struct timespec)) is 32 on LP64; room for one more.</summary>
    public const int ControlSize = 64;

    /// <summary>sizeof(struct sockaddr_storage).</summary>
    public const int SocketAddressStorageSize = 128;

    /// <summary>x86-64 packs struct epoll_event (12 bytes, data at offset 4); other 64-bit ABIs align it (16, at 8).</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>The batched receive needs Linux and one of the two 64-bit layouts this file writes.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr: one message of a recvmmsg batch and the length the kernel wrote.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollControl(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int ReceiveMessages(int fd, MultiMessageHeader* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSocketOption(int fd, int level, int name, int* value, uint length);

    /// <summary>Asks the kernel to stamp every datagram of <paramref name="fd"/> with its arrival time (SO_TIMESTAMPNS).</summary>
    public static bool EnableArrivalTimestamps(int fd)
    {
        var on = 1;
        return SetSocketOption(fd, SocketLevel, SocketTimestampNanoseconds, &on, sizeof(int)) == 0;
    }

    /// <summary>
    /// The SCM_TIMESTAMPNS stamp in a message's control data, in nanoseconds since the Unix epoch; 0 when absent.
    /// struct cmsghdr on LP64: size_t cmsg_len, int cmsg_level, int cmsg_type (16 bytes), then the data.
    /// </summary>
    public static long ArrivalNanoseconds(in MessageHeader header)
    {
        var offset = 0;
        var length = (int)Math.Min(header.ControlLength, (nuint)ControlSize);
        while (offset + 16 <= length)
        {
            var cmsgLength = (int)Unsafe.ReadUnaligned<nuint>(header.Control + offset);
            var level = Unsafe.ReadUnaligned<int>(header.Control + offset + 8);
            var type = Unsafe.ReadUnaligned<int>(header.Control + offset + 12);
            if (cmsgLength < 16)
            {
                return 0;
            }

            if (level == SocketLevel && type == SocketTimestampNanoseconds && cmsgLength >= 32 && offset + 32 <= length)
            {
                var seconds = Unsafe.ReadUnaligned<long>(header.Control + offset + 16);
                var nanoseconds = Unsafe.ReadUnaligned<long>(header.Control + offset + 24);
                return (seconds * 1_000_000_000) + nanoseconds;
            }

            offset += (cmsgLength + 7) & ~7;
        }

        return 0;
    }

    /// <summary>epoll_ctl with EPOLLIN (level-triggered) and <paramref name="data"/> as the event's user data.</summary>
    public static int EpollAdd(int epoll, int fd, ulong data)
    {
        var epollEvent = stackalloc byte[16];
        Unsafe.WriteUnaligned(epollEvent, EpollIn);
        Unsafe.WriteUnaligned(epollEvent + EpollDataOffset, data);
        return EpollControl(epoll, EpollControlAdd, fd, epollEvent);
    }

    public static int EpollDelete(int epoll, int fd)
    {
        // Kernels before 2.6.9 wanted a non-null event even for DEL.
        var epollEvent = stackalloc byte[16];
        return EpollControl(epoll, EpollControlDelete, fd, epollEvent);
    }

    /// <summary>The user data of the <paramref name="index"/>th event that epoll_wait wrote.</summary>
    public static ulong EventData(byte* events, int index) =>
        Unsafe.ReadUnaligned<ulong>(events + (index * EpollEventSize) + EpollDataOffset);
}
