// Loopback HTTP proxy presenting a connector's operations, the way the platform runs a connector
// with custom code: the route table (from the connector's OpenAPI definition) maps each request
// to an operationId; operations routed to the script run through ExecuteAsync with
// OriginalRequestUri = the URL that was called on this proxy and SendAsync forwarding to the
// backend; every other operation goes straight to the backend.
//
// CONFIG.json: {"prefix": "/apim/x", "backend": "http://127.0.0.1:8000/api/v2",
//               "routes": [{"method": "POST", "pattern": "^/webhooks/A$", "operationId": "A", "script": true}]}

namespace Pbxconn.LocalHost
{
    using System;
    using System.Collections.Generic;
    using System.IO;
    using System.Linq;
    using System.Net;
    using System.Net.Http;
    using System.Net.Sockets;
    using System.Text;
    using System.Text.RegularExpressions;
    using System.Threading;
    using System.Threading.Tasks;
    using Microsoft.PowerPlatform.Connectors.CustomCode.CSharp;
    using Newtonsoft.Json.Linq;

    public sealed class Route
    {
        public string Method;
        public Regex Pattern;
        public string OperationId;
        public bool Script;
    }

    // The context of one proxied script operation: SendAsync goes to the real backend.
    public sealed class ProxyContext : ContextBase
    {
        private readonly HttpClient client;

        public ProxyContext(string operationId, HttpRequestMessage request, Uri original, HttpClient client)
            : base(operationId, request, original)
        {
            this.client = client;
        }

        public override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            return this.client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
    }

    public static class LoopbackProxy
    {
        private static readonly HashSet<string> HopHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Proxy-Connection",
            "Upgrade", "Expect", "TE", "Trailer",
        };

        public static int Serve(JObject config)
        {
            string prefix = ((string)config["prefix"] ?? string.Empty).TrimEnd('/');
            string backend = ((string)config["backend"]).TrimEnd('/');
            List<Route> routes = ((JArray)config["routes"]).Select(r => new Route
            {
                Method = ((string)r["method"]).ToUpperInvariant(),
                Pattern = new Regex((string)r["pattern"], RegexOptions.CultureInvariant),
                OperationId = (string)r["operationId"],
                Script = (bool)r["script"],
            }).ToList();

            HttpClient client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
            client.Timeout = TimeSpan.FromSeconds(30);

            int port = (int?)config["port"] ?? 0;
            HttpListener listener = null;
            for (int attempt = 0; listener == null; attempt++)
            {
                int candidate = port != 0 ? port : FreePort();
                HttpListener trying = new HttpListener();
                trying.Prefixes.Add("http://127.0.0.1:" + candidate + "/");
                try
                {
                    trying.Start();
                    listener = trying;
                    port = candidate;
                }
                catch (HttpListenerException)
                {
                    trying.Close();
                    if (port != 0 || attempt > 20)
                    {
                        throw;
                    }
                }
            }

            Console.Out.WriteLine("LISTENING http://127.0.0.1:" + port + prefix);
            Console.Out.Flush();

            // The parent process closes our stdin to stop us (or dies, which closes it too).
            Thread watcher = new Thread(() =>
            {
                try
                {
                    while (Console.In.ReadLine() != null)
                    {
                    }
                }
                catch (IOException)
                {
                }

                Environment.Exit(0);
            });
            watcher.IsBackground = true;
            watcher.Start();

            while (true)
            {
                HttpListenerContext context = listener.GetContext();
                Task.Run(() => Handle(context, prefix, backend, routes, client));
            }
        }

        private static int FreePort()
        {
            TcpListener probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        private static async Task Handle(HttpListenerContext http, string prefix, string backend, List<Route> routes, HttpClient client)
        {
            try
            {
                HttpResponseMessage response = await Dispatch(http.Request, prefix, backend, routes, client).ConfigureAwait(false);
                await Write(http.Response, response).ConfigureAwait(false);
            }
            catch (Exception exc)
            {
                try
                {
                    Console.Error.WriteLine("proxy: " + exc);
                    await Write(http.Response, Problem(HttpStatusCode.BadGateway, exc.GetType().Name + ": " + exc.Message)).ConfigureAwait(false);
                }
                catch (Exception)
                {
                }
            }
        }

        private static HttpResponseMessage Problem(HttpStatusCode status, string message)
        {
            HttpResponseMessage response = new HttpResponseMessage(status);
            response.Content = ScriptBase.CreateJsonContent(new JObject { ["error"] = message }.ToString());
            return response;
        }

        private static async Task<HttpResponseMessage> Dispatch(HttpListenerRequest incoming, string prefix, string backend, List<Route> routes, HttpClient client)
        {
            string path = incoming.Url.AbsolutePath;
            if (prefix.Length > 0)
            {
                if (!path.StartsWith(prefix + "/", StringComparison.Ordinal))
                {
                    return Problem(HttpStatusCode.NotFound, "not under the connector prefix " + prefix);
                }

                path = path.Substring(prefix.Length);
            }

            Route route = routes.FirstOrDefault(r => r.Method == incoming.HttpMethod.ToUpperInvariant() && r.Pattern.IsMatch(path));
            if (route == null)
            {
                return Problem(HttpStatusCode.NotFound, "no operation for " + incoming.HttpMethod + " " + path);
            }

            HttpRequestMessage request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(backend + path + incoming.Url.Query));
            byte[] body = null;
            if (incoming.HasEntityBody)
            {
                using (MemoryStream buffer = new MemoryStream())
                {
                    await incoming.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
                    body = buffer.ToArray();
                }

                request.Content = new ByteArrayContent(body);
            }

            foreach (string name in incoming.Headers.AllKeys)
            {
                if (!HopHeaders.Contains(name))
                {
                    HostProgram.SetHeader(request, name, incoming.Headers[name]);
                }
            }

            Console.Error.WriteLine("proxy: " + incoming.HttpMethod + " " + path + " -> " + route.OperationId + (route.Script ? " (script)" : string.Empty));
            if (!route.Script)
            {
                return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            }

            using (CancellationTokenSource cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                ProxyContext context = new ProxyContext(route.OperationId, request, incoming.Url, client);
                ScriptBase script = HostProgram.NewScript(context, cancel.Token);
                return await script.ExecuteAsync().ConfigureAwait(false);
            }
        }

        private static async Task Write(HttpListenerResponse outgoing, HttpResponseMessage response)
        {
            outgoing.StatusCode = (int)response.StatusCode;
            if (!string.IsNullOrEmpty(response.ReasonPhrase))
            {
                outgoing.StatusDescription = response.ReasonPhrase;
            }

            foreach (var header in response.Headers)
            {
                if (!HopHeaders.Contains(header.Key))
                {
                    if (string.Equals(header.Key, "Location", StringComparison.OrdinalIgnoreCase))
                    {
                        outgoing.RedirectLocation = string.Join(",", header.Value);
                    }
                    else
                    {
                        outgoing.Headers.Add(header.Key, string.Join(", ", header.Value));
                    }
                }
            }

            byte[] bytes = new byte[0];
            if (response.Content != null)
            {
                foreach (var header in response.Content.Headers)
                {
                    if (string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        outgoing.ContentType = string.Join(", ", header.Value);
                    }
                    else if (!HopHeaders.Contains(header.Key))
                    {
                        outgoing.Headers.Add(header.Key, string.Join(", ", header.Value));
                    }
                }

                bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }

            outgoing.ContentLength64 = bytes.Length;
            if (bytes.Length > 0)
            {
                await outgoing.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            }

            outgoing.OutputStream.Close();
            outgoing.Close();
        }
    }
}
