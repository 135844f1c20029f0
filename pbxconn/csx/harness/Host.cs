// The local host of a connector script, compiled together with the script and the ScriptBase stub.
//
//   host.exe test CASES.json   {"answers": [...], "cases": [...]}: run the script once per case
//                              with a fake context whose SendAsync answers with the case's canned
//                              service response (for "routedAnswers" cases: the first of
//                              "answers" whose method and path pattern match the request, else
//                              the canned one); print the requests the script sent, its response
//                              or exception, and how long ExecuteAsync took as JSON on stdout. A
//                              call still running after the case's "timeoutMs" is abandoned.
//   host.exe serve CONFIG.json loopback HTTP proxy presenting the connector's operations: script
//                              operations run through ExecuteAsync, others go straight to the
//                              backend. Prints "LISTENING <url>" when ready; stops when stdin closes.

namespace Pbxconn.LocalHost
{
    using System;
    using System.Collections.Generic;
    using System.Diagnostics;
    using System.IO;
    using System.Linq;
    using System.Net;
    using System.Net.Http;
    using System.Text;
    using System.Text.RegularExpressions;
    using System.Threading;
    using System.Threading.Tasks;
    using Microsoft.Extensions.Logging;
    using Microsoft.PowerPlatform.Connectors.CustomCode.CSharp;
    using Newtonsoft.Json.Linq;

    public static class HostProgram
    {
        // Microsoft documents that custom code must finish within 5 seconds.
        public const int ScriptTimeoutMs = 5000;

        public static int Main(string[] args)
        {
            if (args.Length != 2 || (args[0] != "test" && args[0] != "serve"))
            {
                Console.Error.WriteLine("usage: host.exe test CASES.json | serve CONFIG.json");
                return 2;
            }

            try
            {
                JToken input = JToken.Parse(File.ReadAllText(args[1], Encoding.UTF8));
                if (args[0] == "test")
                {
                    Console.Out.Write(BehaviourRun.Run((JObject)input).ToString(Newtonsoft.Json.Formatting.None));
                    Console.Out.Flush();
                    return 0;
                }

                return LoopbackProxy.Serve((JObject)input);
            }
            catch (Exception exc)
            {
                Console.Error.WriteLine("host: " + exc);
                return 2;
            }
        }

        // The class deriving from ScriptBase in this assembly (the script's entry class).
        public static ScriptBase NewScript(IScriptContext context, CancellationToken token)
        {
            Type type = typeof(HostProgram).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(ScriptBase).IsAssignableFrom(t))
                .OrderBy(t => t.Name == "Script" ? 0 : 1)
                .FirstOrDefault();
            if (type == null)
            {
                throw new InvalidOperationException("no class deriving from ScriptBase");
            }

            ScriptBase script = (ScriptBase)Activator.CreateInstance(type);
            script.Context = context;
            script.CancellationToken = token;
            return script;
        }

        public static JObject Describe(HttpResponseMessage response)
        {
            JObject headers = new JObject();
            foreach (var header in response.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            string body = null;
            if (response.Content != null)
            {
                foreach (var header in response.Content.Headers)
                {
                    headers[header.Key] = string.Join(", ", header.Value);
                }

                body = response.Content.ReadAsStringAsync().Result;
            }

            return new JObject
            {
                ["status"] = (int)response.StatusCode,
                ["reason"] = response.ReasonPhrase,
                ["headers"] = headers,
                ["body"] = body,
            };
        }

        public static void SetHeader(HttpRequestMessage request, string name, string value)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content != null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    // Collects what the script logs; a behaviour run returns it with the result.
    public sealed class ListLogger : ILogger
    {
        public readonly List<string> Lines = new List<string>();

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter)
        {
            lock (this.Lines)
            {
                this.Lines.Add(logLevel + ": " + formatter(state, exception));
            }
        }

        public bool IsEnabled(LogLevel logLevel)
        {
            return true;
        }

        public IDisposable BeginScope<TState>(TState state)
        {
            return null;
        }
    }

    public abstract class ContextBase : IScriptContext
    {
        protected ContextBase(string operationId, HttpRequestMessage request, Uri originalRequestUri)
        {
            this.CorrelationId = Guid.NewGuid().ToString();
            this.OperationId = operationId;
            this.Request = request;
            this.OriginalRequestUri = originalRequestUri;
            this.Logger = new ListLogger();
        }

        public string CorrelationId { get; private set; }
        public string OperationId { get; private set; }
        public HttpRequestMessage Request { get; private set; }
        public ILogger Logger { get; private set; }
        public Uri OriginalRequestUri { get; private set; }

        public Uri CreateNotificationUri(string pathAndQuerySuffix)
        {
            return new Uri(new Uri("https://notifications.invalid/"), pathAndQuerySuffix ?? string.Empty);
        }

        public abstract Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);
    }

    // One entry of the stubbed service's answer table.
    public sealed class StubAnswer
    {
        public string Method;
        public Regex Pattern;
        public JObject Response;
    }

    // A context whose service is a canned response; it records every request the script sends.
    public sealed class FakeContext : ContextBase
    {
        private readonly JObject canned;
        private readonly List<StubAnswer> answers;
        private readonly JArray sent = new JArray();
        private int answersRead;

        public FakeContext(string operationId, HttpRequestMessage request, Uri original, JObject canned, List<StubAnswer> answers)
            : base(operationId, request, original)
        {
            this.canned = canned;
            this.answers = answers;
        }

        // Whether the script read the body of an answer this context gave it.
        public bool AnswerRead
        {
            get { return Volatile.Read(ref this.answersRead) > 0; }
        }

        public JArray Sent()
        {
            lock (this.sent)
            {
                return new JArray(this.sent);
            }
        }

        public override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            JObject headers = new JObject();
            foreach (var header in request.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            string body = null;
            if (request.Content != null)
            {
                foreach (var header in request.Content.Headers)
                {
                    headers[header.Key] = string.Join(", ", header.Value);
                }

                body = await request.Content.ReadAsStringAsync().ConfigureAwait(false);
            }

            lock (this.sent)
            {
                this.sent.Add(new JObject
                {
                    ["method"] = request.Method.Method,
                    ["uri"] = request.RequestUri == null ? null : request.RequestUri.AbsoluteUri,
                    ["headers"] = headers,
                    ["body"] = body,
                });
            }

            JObject answer = this.AnswerFor(request);
            HttpResponseMessage response = new HttpResponseMessage((HttpStatusCode)(int)answer["status"]);
            response.RequestMessage = request;
            string text = (string)answer["body"] ?? string.Empty;
            response.Content = new WatchedContent(Encoding.UTF8.GetBytes(text), () => Interlocked.Increment(ref this.answersRead));
            JObject cannedHeaders = answer["headers"] as JObject ?? new JObject();
            foreach (var pair in cannedHeaders)
            {
                if (!response.Headers.TryAddWithoutValidation(pair.Key, (string)pair.Value))
                {
                    response.Content.Headers.Remove(pair.Key);
                    response.Content.Headers.TryAddWithoutValidation(pair.Key, (string)pair.Value);
                }
            }

            return response;
        }

        private JObject AnswerFor(HttpRequestMessage request)
        {
            string path = request.RequestUri == null ? string.Empty : request.RequestUri.AbsolutePath;
            StubAnswer match = this.answers.FirstOrDefault(
                a => string.Equals(a.Method, request.Method.Method, StringComparison.OrdinalIgnoreCase) && a.Pattern.IsMatch(path));
            return match == null ? this.canned : match.Response;
        }
    }

    // A canned answer's body that reports when the script reads it.
    public sealed class WatchedContent : HttpContent
    {
        private readonly byte[] content;
        private readonly Action onRead;

        public WatchedContent(byte[] content, Action onRead)
        {
            this.content = content;
            this.onRead = onRead;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext context)
        {
            this.onRead();
            return stream.WriteAsync(this.content, 0, this.content.Length);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = this.content.Length;
            return true;
        }
    }

    public static class BehaviourRun
    {
        public static JArray Run(JObject input)
        {
            List<StubAnswer> answers = ((JArray)input["answers"]).Select(a => new StubAnswer
            {
                Method = (string)a["method"],
                Pattern = new Regex((string)a["pattern"], RegexOptions.CultureInvariant),
                Response = (JObject)a["response"],
            }).ToList();
            JArray results = new JArray();
            foreach (JObject item in (JArray)input["cases"])
            {
                results.Add(RunOne(item, (bool?)item["routedAnswers"] == true ? answers : new List<StubAnswer>()));
            }

            return results;
        }

        private static JObject RunOne(JObject item, List<StubAnswer> answers)
        {
            HttpRequestMessage request = new HttpRequestMessage(
                new HttpMethod((string)item["method"]), new Uri((string)item["requestUri"]));
            string body = (string)item["requestBody"];
            if (body != null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, (string)item["requestContentType"] ?? "application/json");
            }

            JObject headers = item["requestHeaders"] as JObject ?? new JObject();
            foreach (var pair in headers)
            {
                HostProgram.SetHeader(request, pair.Key, (string)pair.Value);
            }

            int timeoutMs = (int?)item["timeoutMs"] ?? HostProgram.ScriptTimeoutMs;
            FakeContext context = new FakeContext(
                (string)item["operationId"], request, new Uri((string)item["originalRequestUri"]),
                (JObject)item["response"], answers);
            JObject result = new JObject { ["id"] = item["id"] };
            CancellationTokenSource cancel = new CancellationTokenSource(timeoutMs);
            Stopwatch watch = Stopwatch.StartNew();
            try
            {
                ScriptBase script = HostProgram.NewScript(context, cancel.Token);
                watch.Restart();
                Task<HttpResponseMessage> task = Task.Run(() => script.ExecuteAsync());
                if (!task.Wait(timeoutMs))
                {
                    result["timedOut"] = true;
                    result["error"] = "ExecuteAsync did not finish within " + timeoutMs + " ms";
                }
                else if (task.Result == null)
                {
                    result["error"] = "ExecuteAsync returned null";
                }
                else
                {
                    result["response"] = HostProgram.Describe(task.Result);
                }
            }
            catch (AggregateException exc)
            {
                Exception inner = exc.InnerException ?? exc;
                result["error"] = inner.ToString();
                result["errorType"] = inner.GetType().FullName;
                result["afterAnswer"] = context.AnswerRead;
            }
            catch (Exception exc)
            {
                result["error"] = exc.ToString();
                result["errorType"] = exc.GetType().FullName;
                result["afterAnswer"] = context.AnswerRead;
            }

            result["elapsedMs"] = watch.ElapsedMilliseconds;
            result["sent"] = context.Sent();
            lock (((ListLogger)context.Logger).Lines)
            {
                result["log"] = new JArray(((ListLogger)context.Logger).Lines.ToArray());
            }

            return result;
        }
    }
}
