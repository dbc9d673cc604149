/* Charts on the staff dashboard, drawn from the JSON the page embeds with json_script. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var brand = "#4338ca";
  var soft = "#a5b4fc";
  var options = {
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false } },
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
  };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  draw("chart-bookings", {
    type: "bar",
    data: {
      labels: data.bookingsPerDay.labels,
      datasets: [{ label: data.labels.bookings, data: data.bookingsPerDay.counts, backgroundColor: brand }]
    },
    options: options
  });
  draw("chart-slots", {
    type: "bar",
    data: {
      labels: data.slotsPerDay.labels,
      datasets: [
        { label: data.labels.booked, data: data.slotsPerDay.booked, backgroundColor: brand },
        { label: data.labels.free, data: data.slotsPerDay.free, backgroundColor: soft }
      ]
    },
    options: Object.assign({}, options, {
      plugins: { legend: { display: true } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    })
  });
  if (data.moneyPerDay) {
    draw("chart-money", {
      type: "bar",
      data: {
        labels: data.moneyPerDay.labels,
        datasets: [
          { label: data.labels.revenue, data: data.moneyPerDay.revenue, backgroundColor: brand },
          { label: data.labels.refunds, data: data.moneyPerDay.refunds, backgroundColor: "#f59e0b" }
        ]
      },
      options: Object.assign({}, options, {
        plugins: { legend: { display: true } },
        scales: { y: { beginAtZero: true } }
      })
    });
  }
  draw("chart-top", {
    type: "bar",
    data: {
      labels: data.topMentors.labels,
      datasets: [{ label: data.labels.completed, data: data.topMentors.counts, backgroundColor: brand }]
    },
    // Horizontal bars: the names are on the y axis, the counts on x.
    options: Object.assign({}, options, {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    })
  });
})();
