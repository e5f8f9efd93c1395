using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Engram.Server;

/// <summary>
/// Keeps Data Protection keys in memory. Authentication registers Data Protection, which the server does not use (no
/// cookies, no protected tokens); this keeps it from writing key files outside the data directory.
/// </summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private readonly Lock _gate = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            return _elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            _elements.Add(new XElement(element));
        }
    }
}
