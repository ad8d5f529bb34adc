namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The figures an operator plans replication bandwidth with: what one recorded call-hour weighs in the format being
/// written (measured over the newest recordings), and so what each replica target (every other node, the shared store)
/// receives per hour when every licensed channel records.
/// </summary>
/// <param name="BytesPerRecordedHour">Audio bytes per hour of recorded call, over <paramref name="SampleRecordings"/>.</param>
/// <param name="SampleRecordings">How many of the newest recordings the figure comes from.</param>
/// <param name="PeakBytesPerHour">
/// <paramref name="BytesPerRecordedHour"/> times the largest licensed channel count of a node (one node records at a time
/// in hot standby): the peak rate into each replica target.
/// </param>
internal sealed record BandwidthDto(double BytesPerRecordedHour, int SampleRecordings, double PeakBytesPerHour);
