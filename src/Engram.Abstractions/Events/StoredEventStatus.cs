namespace Engram;

/// <summary>Where an asynchronous event is in its life: <c>PENDING → RUNNING → SUCCEEDED | FAILED</c> (Mem0's statuses).</summary>
public enum StoredEventStatus
{
    /// <summary>Persisted and waiting for a worker (Mem0 <c>PENDING</c>).</summary>
    Pending,

    /// <summary>A worker is processing it (Mem0 <c>RUNNING</c>).</summary>
    Running,

    /// <summary>Done; its results are recorded (Mem0 <c>SUCCEEDED</c>).</summary>
    Succeeded,

    /// <summary>Given up; its error is recorded (Mem0 <c>FAILED</c>).</summary>
    Failed,
}
