using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// Reads RFC 7865 recording metadata as SRCs really send it (SECURE_MEDIA.md §4): elements are matched by local name,
/// whatever their namespace or prefix (Acme drops the <c>:1</c>, Ribbon prefixes <c>tns:</c>); the RFC's
/// <c>participant_id</c>/<c>session_id</c>/<c>stream_id</c> and the drafts' <c>id</c>/<c>session</c> are both taken;
/// <c>&lt;send&gt;</c>/<c>&lt;recv&gt;</c> count inside <c>participantstreamassoc</c> or inside <c>participant</c>.
/// No schema validation: a strict schema refuses real metadata. Everything it does not interpret is kept as an
/// <see cref="SiprecExtension"/>.
/// </summary>
/// <remarks>
/// Input from the network: DTDs are prohibited (no entity expansion), no resolver, a size cap, and no exception leaves
/// <see cref="Parse"/>: a document that cannot be read gives a result with its problem.
/// </remarks>
internal static class SiprecMetadataParser
{
    public const int MaxDocumentCharacters = 256 * 1024;
    private const int MaxItems = 64;
    private const int MaxExtensionCharacters = 4096;

    private static readonly HashSet<string> CoreElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "recording", "datamode", "group", "session", "participant", "stream", "sessionrecordingassoc",
        "participantsessionassoc", "participantstreamassoc", "nameID", "name", "aor", "send", "recv", "label",
        "sipSessionID", "start-time", "stop-time", "end-time", "associate-time", "disassociate-time", "group-ref",
    };

    public static SiprecMetadataResult Parse(ReadOnlyMemory<byte> document)
    {
        if (document.IsEmpty)
        {
            return SiprecMetadataResult.Missing("empty");
        }

        if (document.Length > MaxDocumentCharacters)
        {
            return SiprecMetadataResult.Missing("too-large");
        }

        XDocument xml;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = MaxDocumentCharacters,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
            };
            using var stream = new MemoryStream(document.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            xml = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return SiprecMetadataResult.Missing("malformed-xml");
        }

        return xml.Root is { } root ? new SiprecMetadataResult(Read(root), null) : SiprecMetadataResult.Missing("malformed-xml");
    }

    private static SiprecMetadata Read(XElement root)
    {
        var participants = new List<ParticipantBuilder>();
        var byId = new Dictionary<string, ParticipantBuilder>(StringComparer.Ordinal);
        var streams = new List<SiprecStream>();
        var extensions = new List<SiprecExtension>();
        string? sessionId = null, sipSessionId = null;
        DateTimeOffset? startTime = null, endTime = null;
        var partial = false;

        ParticipantBuilder Participant(string? id)
        {
            id ??= "participant-" + (participants.Count + 1).ToString(CultureInfo.InvariantCulture);
            if (!byId.TryGetValue(id, out var participant) && participants.Count < MaxItems)
            {
                participant = new ParticipantBuilder(id);
                byId[id] = participant;
                participants.Add(participant);
            }

            return participant ?? participants[^1];
        }

        foreach (var element in root.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "session":
                    sessionId ??= Attribute(element, "session_id", "id");
                    sipSessionId ??= Text(Child(element, "sipSessionID"));
                    startTime ??= Time(Child(element, "start-time"));
                    endTime ??= Time(Child(element, "stop-time")) ?? Time(Child(element, "end-time"));
                    KeepUnknownChildren(element, extensions);
                    break;
                case "datamode":
                    partial = string.Equals(Text(element), "partial", StringComparison.OrdinalIgnoreCase);
                    break;
                case "participant":
                {
                    var participant = Participant(Attribute(element, "participant_id", "id"));
                    var nameId = Child(element, "nameID");
                    participant.Aor ??= Attribute(nameId, "aor") ?? Text(Child(element, "aor")) ?? Text(Child(nameId, "aor"));
                    participant.Name ??= Text(Child(nameId, "name")) ?? Text(Child(element, "name"));
                    participant.AddStreams(element);
                    participant.AssociatedAt ??= Time(Child(element, "associate-time"));
                    participant.DisassociatedAt ??= Time(Child(element, "disassociate-time"));
                    KeepUnknownChildren(element, extensions);
                    break;
                }

                case "participantstreamassoc":
                    Participant(Attribute(element, "participant_id", "id", "participant")).AddStreams(element);
                    break;
                case "participantsessionassoc":
                {
                    var participant = Participant(Attribute(element, "participant_id", "id", "participant"));
                    participant.AssociatedAt ??= Time(Child(element, "associate-time"));
                    participant.DisassociatedAt = Time(Child(element, "disassociate-time")) ?? participant.DisassociatedAt;
                    break;
                }

                case "stream":
                    if (streams.Count < MaxItems)
                    {
                        var id = Attribute(element, "stream_id", "id") ?? "stream-" + (streams.Count + 1).ToString(CultureInfo.InvariantCulture);
                        streams.Add(new SiprecStream(id, Text(Child(element, "label"))));
                    }

                    KeepUnknownChildren(element, extensions);
                    break;
                case "group":
                    KeepUnknownChildren(element, extensions);
                    break;
                default:
                    if (!CoreElements.Contains(element.Name.LocalName))
                    {
                        Keep(element, extensions);
                    }

                    break;
            }
        }

        var (callId, from, to) = ReadCallData(extensions);
        return new SiprecMetadata
        {
            SessionId = sessionId,
            SipSessionId = sipSessionId,
            StartTime = startTime,
            EndTime = endTime,
            Partial = partial,
            Participants = [.. participants.Select(p => p.Build())],
            Streams = streams,
            Extensions = extensions,
            OriginalCallId = callId,
            OriginalFrom = from,
            OriginalTo = to,
        };
    }

    /// <summary>
    /// The recorded call's Call-ID, From and To in vendor data: an element or a name/value pair (attribute
    /// <c>name</c>/<c>key</c> with <c>value</c> or text) whose name, without case, dashes and underscores, is one of
    /// the spellings SRCs use. The first found wins.
    /// </summary>
    private static (string? CallId, string? From, string? To) ReadCallData(List<SiprecExtension> extensions)
    {
        string? callId = null, from = null, to = null;
        foreach (var extension in extensions)
        {
            XElement element;
            try
            {
                element = XElement.Parse(extension.Xml);
            }
            catch (XmlException)
            {
                continue; // Truncated when kept: its data is not read.
            }

            foreach (var item in element.DescendantsAndSelf())
            {
                var key = Attribute(item, "name", "key") ?? item.Name.LocalName;
                var value = Attribute(item, "value") ?? (item.HasElements ? null : Text(item));
                if (value is null)
                {
                    continue;
                }

                switch (Normalize(key))
                {
                    case "callid" or "sipcallid" or "origcallid" or "originalcallid":
                        callId ??= value;
                        break;
                    case "from" or "fromuri" or "fromheader" or "callingparty" or "callingnumber" or "caller" or "ani":
                        from ??= value;
                        break;
                    case "to" or "touri" or "toheader" or "calledparty" or "callednumber" or "callee" or "dnis":
                        to ??= value;
                        break;
                }
            }
        }

        return (callId, from, to);
    }

    private static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('-' or '_' or '.'))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static void KeepUnknownChildren(XElement parent, List<SiprecExtension> extensions)
    {
        foreach (var child in parent.Elements())
        {
            if (!CoreElements.Contains(child.Name.LocalName))
            {
                Keep(child, extensions);
            }
        }
    }

    private static void Keep(XElement element, List<SiprecExtension> extensions)
    {
        if (extensions.Count >= MaxItems)
        {
            return;
        }

        var xml = element.ToString(SaveOptions.DisableFormatting);
        if (xml.Length > MaxExtensionCharacters)
        {
            xml = xml[..MaxExtensionCharacters];
        }

        extensions.Add(new SiprecExtension(element.Name.LocalName, element.Parent?.Name.LocalName ?? "", xml));
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase));

    private static string? Attribute(XElement? element, params ReadOnlySpan<string> names)
    {
        if (element is null)
        {
            return null;
        }

        foreach (var name in names)
        {
            foreach (var attribute in element.Attributes())
            {
                if (attribute.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase) && attribute.Value.Trim() is { Length: > 0 } value)
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Time(XElement? element) =>
        Text(element) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private sealed class ParticipantBuilder(string id)
    {
        private readonly List<string> _sends = [];
        private readonly List<string> _receives = [];

        public string? Aor { get; set; }
        public string? Name { get; set; }
        public DateTimeOffset? AssociatedAt { get; set; }
        public DateTimeOffset? DisassociatedAt { get; set; }

        public void AddStreams(XElement element)
        {
            foreach (var child in element.Elements())
            {
                var list = child.Name.LocalName.ToLowerInvariant() switch
                {
                    "send" => _sends,
                    "recv" => _receives,
                    _ => null,
                };

                // A <send> holds one stream id; some SRCs list several separated by spaces.
                if (list is not null && Text(child) is { } ids)
                {
                    foreach (var streamId in ids.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!list.Contains(streamId, StringComparer.Ordinal) && list.Count < MaxItems)
                        {
                            list.Add(streamId);
                        }
                    }
                }
            }
        }

        public SiprecParticipant Build() => new()
        {
            Id = id,
            Aor = Aor,
            Name = Name,
            Sends = _sends,
            Receives = _receives,
            AssociatedAt = AssociatedAt,
            DisassociatedAt = DisassociatedAt,
        };
    }
}
