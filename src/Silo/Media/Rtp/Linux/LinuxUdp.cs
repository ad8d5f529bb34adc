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
