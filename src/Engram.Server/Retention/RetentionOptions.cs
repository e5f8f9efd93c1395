using System.ComponentModel.DataAnnotations;

namespace Engram.Server;

/// <summary>The retention sweeper's settings, bound from <c>Engram:Retention</c> (<c>ENGRAM__RETENTION__SWEEPINTERVAL</c>, …).</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Engram:Retention";

    /// <summary>Gets or sets a value indicating whether expired memories are erased on a schedule. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the time between sweeps (the first runs at start-up). Default one hour; between one second and
    /// one day. A memory whose <c>expiration_date</c> is before today (UTC) is erased at the next sweep.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
