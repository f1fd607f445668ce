using System.Runtime.InteropServices;


namespace ExecdJvb.Execd;

/// <summary>struct pollfd, as poll(2) takes it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public const short Readable = 0x001;

    public int Descriptor;
    public short Events;
    public short ReturnedEvents;
}
