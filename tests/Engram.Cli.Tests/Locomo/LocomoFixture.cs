namespace Engram.Cli.Tests.Locomo;

/// <summary>A tiny LoCoMo file: sessions listed out of order, a date without a session, a photo caption, malformed evidence.</summary>
internal static class LocomoFixture
{
    public const string Json = """
        [
          {
            "sample_id": "conv-x",
            "conversation": {
              "speaker_a": "Alice",
              "speaker_b": "Bob",
              "session_2_date_time": "10:00 am on 9 May, 2023",
              "session_2": [
                { "speaker": "Bob", "dia_id": "D2:1", "text": "I adopted a puppy named Max." },
                { "speaker": "Alice", "dia_id": "D2:2", "text": "Look!", "blip_caption": "a photo of a lake at sunrise", "img_url": ["x"] }
              ],
              "session_1_date_time": "1:56 pm on 8 May, 2023",
              "session_1": [
                { "speaker": "Alice", "dia_id": "D1:1", "text": "I went to a pottery class yesterday." },
                { "speaker": "Bob", "dia_id": "D1:2", "text": "Nice! I love hiking." }
              ],
              "session_3_date_time": "2:00 pm on 10 May, 2023"
            },
            "qa": [
              { "question": "What did Alice do yesterday?", "answer": "pottery class", "evidence": ["D1:1"], "category": 4 },
              { "question": "How many pets does Bob have?", "answer": 1, "evidence": ["D2:1; D1:02"], "category": 1 },
              { "question": "Is this a trick?", "adversarial_answer": "yes", "evidence": ["D1:2"], "category": 5 },
              { "question": "What has no evidence?", "answer": "nothing", "evidence": ["D"], "category": 2 }
            ]
          },
          {
            "sample_id": "conv-y",
            "conversation": {
              "speaker_a": "Carol",
              "speaker_b": "Dan",
              "session_1_date_time": "9:05 am on 1 June, 2023",
              "session_1": [ { "speaker": "Carol", "dia_id": "D1:1", "text": "Hello." } ]
            },
            "qa": []
          }
        ]
        """;
}
