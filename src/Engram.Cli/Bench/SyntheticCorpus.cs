using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Engram.Cli.Bench;

/// <summary>
/// Deterministic synthetic memories for <c>engram bench</c>: sentence-length facts about a user's life (people, places,
/// activities, dates, pets, jobs) written in the third person as Mem0 stores them, with metadata, plus questions of the
/// kind an agent asks about them.
/// </summary>
/// <remarks>
/// Each user has a small "world" (a name, relatives, friends, home city, pets) drawn from shared pools, so names and
/// places repeat across users as they do in a real project, and a user's questions are about that user's world.
/// The same seed, user and index always give the same text. Thread-safe: instances are immutable.
/// </remarks>
internal sealed class SyntheticCorpus
{
    private static readonly string[] FirstNames =
    [
        "Alice", "Bob", "Carmen", "David", "Elena", "Farid", "Grace", "Hiro", "Ingrid", "Jamal", "Keiko", "Liam", "Maya", "Nikolai",
        "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tanya", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aaron", "Beatriz",
        "Chen", "Dmitri", "Emma", "Fatima", "Gabriel", "Hannah", "Ivan", "Julia", "Kofi", "Lucia", "Marcus", "Nadia", "Oscar", "Priya",
        "Rafael", "Sofia", "Thomas", "Uma", "Victor", "Wanda", "Yara", "Zane", "Amara", "Bruno", "Chloe", "Diego", "Esther", "Felix",
        "Gemma", "Hugo", "Isla", "Jonas", "Kira", "Leo", "Mina", "Noah", "Orla", "Pablo", "Rhea", "Stefan", "Tariq", "Ursula", "Viktor",
        "Willa", "Xavier", "Yuki", "Zara", "Anton", "Bianca", "Caleb", "Daria", "Emil", "Freya", "Gustavo", "Helga", "Imani", "Joel",
        "Kai", "Lena", "Mateo", "Nora", "Omar", "Paula", "Ravi", "Selma", "Tobias", "Valeria", "Wyatt", "Yasmin", "Ada", "Boris",
        "Clara", "Dev", "Eli", "Flora", "Gideon", "Hana", "Idris", "Jade", "Karl", "Lola", "Milo", "Nell", "Otto", "Pia", "Rowan",
    ];

    private static readonly string[] Relations =
    [
        "sister", "brother", "mother", "father", "cousin", "best friend", "colleague", "neighbour", "partner", "daughter", "son",
        "aunt", "uncle", "grandmother", "grandfather", "manager", "roommate", "mentor",
    ];

    private static readonly string[] Cities =
    [
        "Paris", "Berlin", "Lisbon", "Tokyo", "Seattle", "Austin", "Denver", "Boston", "Chicago", "Toronto", "Madrid", "Rome", "Vienna",
        "Prague", "Dublin", "Oslo", "Helsinki", "Warsaw", "Athens", "Istanbul", "Cairo", "Nairobi", "Lagos", "Mumbai", "Bangalore",
        "Singapore", "Seoul", "Osaka", "Sydney", "Melbourne", "Auckland", "Vancouver", "Montreal", "Mexico City", "Bogota", "Lima",
        "Santiago", "Buenos Aires", "Sao Paulo", "Havana", "Miami", "Portland", "Phoenix", "Atlanta", "Nashville", "Edinburgh",
        "Manchester", "Amsterdam", "Brussels", "Zurich", "Munich", "Copenhagen", "Stockholm", "Reykjavik", "Marrakesh", "Cape Town",
        "Hanoi", "Bangkok", "Manila", "Jakarta", "Kyoto", "Barcelona", "Seville", "Porto", "Naples", "Florence", "Budapest", "Krakow",
    ];

    private static readonly string[] Places =
    [
        "the lake", "the beach", "Yosemite", "the farmers market", "the climbing gym", "the public library", "the art museum",
        "the botanical garden", "the national park", "the old harbour", "the ski resort", "the community centre", "the jazz club",
        "the river trail", "the mountain hut", "the night market", "the aquarium", "the vineyard", "the zoo", "the hot springs",
    ];

    private static readonly string[] Activities =
    [
        "hiking", "swimming", "painting", "baking sourdough", "rock climbing", "kayaking", "birdwatching", "cycling", "camping",
        "photography", "yoga", "skiing", "surfing", "fishing", "pottery", "salsa dancing", "trail running", "stargazing", "sketching",
        "sailing", "snorkelling", "horse riding", "playing tennis", "ice skating",
    ];

    private static readonly string[] Skills =
    [
        "Spanish", "Japanese", "the guitar", "the piano", "chess", "woodworking", "knitting", "calligraphy", "coding in Python",
        "the violin", "French", "Mandarin", "sign language", "watercolour painting", "public speaking", "bread making",
    ];

    private static readonly string[] Foods =
    [
        "sushi", "ramen", "tacos", "lasagna", "pad thai", "dumplings", "pho", "green curry", "margherita pizza", "falafel", "paella",
        "bibimbap", "pierogi", "shakshuka", "ceviche", "biryani", "croissants", "cheesecake", "goulash", "risotto",
    ];

    private static readonly string[] Pets = ["dog", "cat", "parrot", "rabbit", "turtle", "hamster", "golden retriever", "tabby cat", "beagle", "goldfish"];

    private static readonly string[] PetNames =
    [
        "Biscuit", "Luna", "Max", "Pepper", "Milo", "Coco", "Ziggy", "Mochi", "Rocky", "Nala", "Pickles", "Waffles", "Shadow", "Ginger",
        "Oreo", "Buddy", "Daisy", "Simba", "Tofu", "Juniper",
    ];

    private static readonly string[] Jobs =
    [
        "nurse", "software engineer", "teacher", "architect", "chef", "accountant", "pharmacist", "journalist", "electrician",
        "data analyst", "graphic designer", "physiotherapist", "lawyer", "veterinarian", "product manager", "librarian", "pilot",
        "dentist", "civil engineer", "social worker",
    ];

    private static readonly string[] Companies =
    [
        "Acme", "Globex", "Initech", "Umbrella Health", "Hooli", "Stark Industries", "Wayne Enterprises", "Vandelay Industries",
        "Soylent Foods", "Cyberdyne", "Tyrell Corporation", "Wonka Confections", "Oscorp", "Monarch Airlines", "Pied Piper",
        "Blue Harbor Bank", "Northwind Traders", "Contoso", "Fabrikam", "Litware",
    ];

    private static readonly string[] Books =
    [
        "The Overstory", "Dune", "Educated", "The Name of the Wind", "Circe", "Project Hail Mary", "Sapiens", "Atomic Habits",
        "The Night Circus", "Pachinko", "Klara and the Sun", "The Midnight Library", "Station Eleven", "Beloved", "The Hobbit",
    ];

    private static readonly string[] Movies =
    [
        "Spirited Away", "Inception", "Parasite", "Arrival", "The Godfather", "Amelie", "Coco", "Interstellar", "Casablanca",
        "Everything Everywhere All at Once", "Roma", "Up", "Alien", "Heat", "Paddington 2",
    ];

    private static readonly string[] Allergens = ["peanuts", "shellfish", "gluten", "lactose", "pollen", "cat hair", "penicillin", "sesame", "eggs", "strawberries"];

    private static readonly string[] Drinks = ["black coffee", "green tea", "oat milk lattes", "espresso", "chai", "orange juice", "hot chocolate", "matcha"];

    private static readonly string[] Items =
    [
        "road bike", "espresso machine", "standing desk", "pair of hiking boots", "camera lens", "tent", "electric scooter",
        "record player", "sewing machine", "kayak", "telescope", "air fryer", "mechanical keyboard", "winter coat",
    ];

    private static readonly string[] Organisations =
    [
        "animal shelter", "food bank", "children's hospital", "public library", "community garden", "homeless shelter",
        "literacy program", "river clean-up group", "senior centre", "refugee centre",
    ];

    private static readonly string[] Clubs = ["book", "running", "chess", "photography", "hiking", "board game", "cycling", "film", "choir", "cooking"];

    private static readonly string[] Conditions = ["a knee injury", "migraines", "back pain", "a sprained ankle", "high blood pressure", "insomnia", "asthma", "a broken wrist"];

    private static readonly string[] Goals = ["house", "new car", "trip to Japan", "wedding", "master's degree", "sailboat", "home studio", "sabbatical"];

    private static readonly string[] Events = ["a wedding", "a music festival", "a conference", "the marathon", "a family reunion", "New Year's Eve", "a graduation", "the film festival"];

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    private static readonly string[] Sources = ["chat", "email", "calendar", "voice", "import"];

    private static readonly DateTimeOffset Epoch = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly int _seed;

    /// <summary>Initializes a corpus.</summary>
    /// <param name="seed">The seed; the same seed gives the same texts.</param>
    public SyntheticCorpus(int seed) => _seed = seed;

    /// <summary>Gets the version of the generator: a database built by another version is not reused.</summary>
    public static int Version => 2;

    /// <summary>Gets the number of distinct memory templates.</summary>
    public static int TemplateCount => 22;

    /// <summary>The user id of user number <paramref name="user"/>.</summary>
    /// <param name="user">The user number, from 0.</param>
    /// <returns>An id such as <c>user-00042</c>.</returns>
    public static string UserId(int user) => string.Create(CultureInfo.InvariantCulture, $"user-{user:D5}");

    /// <summary>Gets the world of one user: the user's name, people, city and pet.</summary>
    /// <param name="user">The user number.</param>
    /// <returns>The world.</returns>
    public UserWorld World(int user)
    {
        var random = new Random(Mix(_seed, user, 0x5eed));
        var name = Pick(random, FirstNames);
        var people = new List<(string Name, string Relation)>(8);
        for (var i = 0; i < 8; i++)
        {
            var person = Pick(random, FirstNames);
            if (person == name || people.Exists(p => p.Name == person))
            {
                continue;
            }

            people.Add((person, Pick(random, Relations)));
        }

        return new UserWorld(UserId(user), name, people, Pick(random, Cities), Pick(random, Pets), Pick(random, PetNames), Pick(random, Jobs), Pick(random, Companies));
    }

    /// <summary>Gets the text of a user's memory.</summary>
    /// <param name="world">The user's world.</param>
    /// <param name="user">The user number.</param>
    /// <param name="index">The memory number within the user.</param>
    /// <returns>One sentence.</returns>
    public string Memory(UserWorld world, int user, int index)
    {
        ArgumentNullException.ThrowIfNull(world);
        var random = new Random(Mix(_seed, user, index));
        var p = world.Name;
        var (friend, relation) = world.People[random.Next(world.People.Count)];
        var n = random.Next(2, 60);
        return random.Next(TemplateCount) switch
        {
            0 => $"{p} went {Pick(random, Activities)} at {Pick(random, Places)} with {p}'s {relation} {friend} on {Date(random)}.",
            1 => $"{p}'s favourite food is {Pick(random, Foods)}, especially from a small place in {Pick(random, Cities)}.",
            2 => $"{p} adopted a {world.Pet} named {world.PetName} in {Pick(random, Months)} {Year(random)}.",
            3 => $"{p} started a new job as a {world.Job} at {world.Company} in {Pick(random, Months)} {Year(random)}.",
            4 => $"{p} is planning a trip to {Pick(random, Cities)} with {friend} for {Pick(random, Events)} in {Pick(random, Months)}.",
            5 => $"{p} has been learning {Pick(random, Skills)} for {n} months and practises every {Pick(random, Weekdays)}.",
            6 => $"{friend}, {p}'s {relation}, moved to {Pick(random, Cities)} on {Date(random)}.",
            7 => $"{p} is allergic to {Pick(random, Allergens)} and avoids {Pick(random, Foods)} because of it.",
            8 => $"{p} ran a half marathon in {Pick(random, Cities)} on {Date(random)} and finished in {90 + n} minutes.",
            9 => $"{p} read '{Pick(random, Books)}' last {Pick(random, Months)} and recommended it to {friend}.",
            10 => $"{p} celebrated {friend}'s birthday with {Pick(random, Foods)} at a restaurant in {world.City} on {Date(random)}.",
            11 => $"{p} volunteers at the {Pick(random, Organisations)} every {Pick(random, Weekdays)} morning.",
            12 => $"{p} bought a {Pick(random, Items)} for {n * 20} dollars on {Date(random)}.",
            13 => $"{p} and {friend} watched {Pick(random, Movies)} at the cinema in {world.City} last {Pick(random, Weekdays)}.",
            14 => $"{p} prefers {Pick(random, Drinks)} over {Pick(random, Drinks)} in the morning.",
            15 => $"{p}'s {relation} {friend} works as a {Pick(random, Jobs)} at {Pick(random, Companies)}.",
            16 => $"{p} is saving money for a {Pick(random, Goals)} and hopes to have enough by {Year(random) + 3}.",
            17 => $"{p} had a doctor's appointment about {Pick(random, Conditions)} on {Date(random)}.",
            18 => $"{p} joined a {Pick(random, Clubs)} club in {world.City} that meets on {Pick(random, Weekdays)} evenings.",
            19 => $"{p} lost a {Pick(random, Items)} at {Pick(random, Places)} on {Date(random)} and {friend} helped find it.",
            20 => $"{p}'s {world.Pet} {world.PetName} had a vet visit for {Pick(random, Conditions)} last {Pick(random, Months)}.",
            _ => $"{p} told {friend} about wanting to try {Pick(random, Activities)} in {Pick(random, Cities)} next {Pick(random, Months)}.",
        };
    }

    /// <summary>Gets a question about a user's world, as an agent would ask it.</summary>
    /// <param name="world">The user's world.</param>
    /// <param name="random">The source of randomness.</param>
    /// <returns>A question.</returns>
    public static string Query(UserWorld world, Random random)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(random);
        var p = world.Name;
        var (friend, relation) = world.People[random.Next(world.People.Count)];
        return random.Next(16) switch
        {
            0 => $"When did {p} go {Pick(random, Activities)}?",
            1 => $"What is {p}'s favourite food?",
            2 => $"What is the name of {p}'s {world.Pet}?",
            3 => $"Where does {p} work and what is {p}'s job?",
            4 => $"Who is {p}'s {relation}?",
            5 => $"What is {p} allergic to?",
            6 => $"Where is {p} travelling with {friend}?",
            7 => $"Which book did {p} recommend to {friend}?",
            8 => $"When is {friend}'s birthday and how did {p} celebrate it?",
            9 => $"Where does {p} volunteer?",
            10 => $"What did {p} buy in {Pick(random, Months)}?",
            11 => $"Which movie did {p} watch with {friend}?",
            12 => $"What does {p} drink in the morning?",
            13 => $"What is {p} saving money for?",
            14 => $"What club did {p} join in {world.City}?",
            _ => $"What language or instrument is {p} learning?",
        };
    }

    /// <summary>Gets the time a user's batch of memories was observed: spread over two years, in order.</summary>
    /// <param name="user">The user number.</param>
    /// <param name="index">The memory number within the user.</param>
    /// <param name="memoriesPerUser">The memories per user.</param>
    /// <returns>The observation time.</returns>
    public static DateTimeOffset ObservedAt(int user, int index, int memoriesPerUser) =>
        Epoch.AddMinutes((user % 97) * 7 + (double)index * (730 * 24 * 60) / Math.Max(1, memoriesPerUser));

    /// <summary>Gets the metadata attached to a batch: source, session number and importance.</summary>
    /// <param name="user">The user number.</param>
    /// <param name="batch">The batch number within the user.</param>
    /// <returns>The metadata.</returns>
    public static IReadOnlyDictionary<string, JsonElement> Metadata(int user, int batch)
    {
        var json = new StringBuilder("{\"source\":\"").Append(Sources[(user + batch) % Sources.Length])
            .Append("\",\"session\":").Append(batch.ToString(CultureInfo.InvariantCulture))
            .Append(",\"importance\":").Append(((user * 31 + batch) % 5 + 1).ToString(CultureInfo.InvariantCulture)).Append('}');
        using var document = JsonDocument.Parse(json.ToString());
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    // A fixed mix of three numbers (HashCode.Combine is randomized per process, and the texts must be the same in every run).
    private static int Mix(int a, int b, int c)
    {
        var h = ((ulong)(uint)a * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)b * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)c * 0x165667B19E3779F9UL);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return (int)(h & 0x7FFF_FFFF);
    }

    private static string Date(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 29)} {Pick(random, Months)} {Year(random)}");

    private static int Year(Random random) => 2019 + random.Next(7);

    private static string Pick(Random random, string[] pool)
    {
        // Skewed towards the front of each pool (roughly Zipf-like), as real vocabularies are.
        var u = random.NextDouble();
        return pool[(int)(u * u * pool.Length)];
    }
}
