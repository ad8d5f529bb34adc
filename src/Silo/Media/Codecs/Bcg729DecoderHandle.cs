using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>A bcg729 decoder channel context; closed once, by dispose or finalization.</summary>
internal sealed class Bcg729DecoderHandle : SafeHandle
{
    public Bcg729DecoderHandle()
        : base(nint.Zero, ownsHandle: true)
    {
        SetHandle(Bcg729Library.Api.InitDecoder());
        if (IsInvalid)
        {
            throw new InvalidOperationException("initBcg729DecoderChannel returned no context.");
        }
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        Bcg729Library.Api.CloseDecoder(handle);
        return true;
    }
}
