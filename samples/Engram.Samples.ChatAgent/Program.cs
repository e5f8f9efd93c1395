// A console chat agent that remembers you between runs.
//
//   export ENGRAM__LLM__PROVIDER=ollama ENGRAM__LLM__MODEL=llama3.1      # or openai + ENGRAM__LLM__APIKEY
//   dotnet run --project samples/Engram.Samples.ChatAgent -- ana
//
// The chat model is the one configured under Engram:Llm (environment ENGRAM__LLM__…); memories live in
// ./chat-agent-data. Type a message, an empty line to quit.
using Engram;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var userId = args.Length > 0 ? args[0] : Environment.UserName;
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

var services = new ServiceCollection();
services.AddEngram().WithSqliteStore("chat-agent-data/engram.db").WithConfiguredProviders(configuration);
await using var provider = services.BuildServiceProvider();

var model = provider.GetService<IChatClient>();
if (model is null)
{
    Console.Error.WriteLine("Configure a chat model first, e.g. ENGRAM__LLM__PROVIDER=ollama ENGRAM__LLM__MODEL=llama3.1");
    return 2;
}

await using var chat = model.UseEngramMemory(provider.GetRequiredService<IMemory>(), o => o.DefaultScope = MemoryScope.ForUser(userId));
List<ChatMessage> history = [new(ChatRole.System, "You are a friendly assistant. Keep answers short.")];

Console.WriteLine($"Chatting as {userId}. Empty line to quit.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    history.Add(new ChatMessage(ChatRole.User, line));
    var reply = await chat.GetResponseAsync(history);
    history.AddRange(reply.Messages);
    Console.WriteLine(reply.Text);
}

return 0;
